/**
 * @module
 * The parts of the two Workers (workerd), for their composition roots (functions/worker.ts,
 * functions/ingest-worker.ts): the transports safe in workerd, accepted uploads sent to the ingestion Worker's
 * queue (`INGEST_QUEUE`; cron finds them without it), and the token estimate for answers, which keeps the
 * tokenizer's ranks out of the API Worker. Only the ingestion Worker parses files (it hands `workersRuntime` a
 * factory of its runner, built from the instance's configuration and bindings, which is where its OCR provider
 * comes from), so pdf.js and the extractors stay out of the API Worker's bundle: this module never imports them.
 */
import type { Config } from "../config/env.js";
import { workersTransports } from "../db/workers.js";
import type { PrepareRunner } from "../ingest/isolation.js";
import { countTokens } from "../partition/token-estimate.js";
import { queueJobStarter } from "../queue/start-job.js";
import type { RuntimeParts } from "./parts.js";

/** Builds where this instance parses files, from its configuration and bindings (once per instance). */
export type PrepareFactory = (config: Config, bindings: Record<string, unknown>) => PrepareRunner;

/** `prepare` where this Worker runs jobs (the ingestion Worker); the API Worker passes none. */
export function workersRuntime(prepare?: PrepareFactory): RuntimeParts {
  return {
    transports: workersTransports,
    ingestion: (config, bindings) => ({
      startJob: queueJobStarter(bindings.INGEST_QUEUE),
      ...(prepare ? { prepare: prepare(config, bindings) } : {}),
    }),
    tokenCounter: async () => countTokens,
  };
}

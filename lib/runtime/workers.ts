/**
 * @module
 * The parts of the two Workers (workerd), for their composition roots (functions/worker.ts,
 * functions/ingest-worker.ts): the transports safe in workerd, accepted uploads sent to the ingestion Worker's
 * queue (`INGEST_QUEUE`; cron finds them without it), and the token estimate for answers, which keeps the
 * tokenizer's ranks out of the API Worker. Only the ingestion Worker parses files (`workersRuntime(prepareFile)`),
 * so pdf.js and the extractors stay out of the API Worker's bundle: this module never imports them.
 */
import { workersTransports } from "../db/workers.js";
import type { PrepareRunner } from "../ingest/isolation.js";
import { countTokens } from "../partition/token-estimate.js";
import { queueJobStarter } from "../queue/start-job.js";
import type { RuntimeParts } from "./parts.js";

/** `prepare` where this Worker runs jobs (the ingestion Worker); the API Worker passes none. */
export function workersRuntime(prepare?: PrepareRunner): RuntimeParts {
  return {
    transports: workersTransports,
    ingestion: (_config, bindings) => ({
      startJob: queueJobStarter(bindings.INGEST_QUEUE),
      ...(prepare ? { prepare } : {}),
    }),
    tokenCounter: async () => countTokens,
  };
}

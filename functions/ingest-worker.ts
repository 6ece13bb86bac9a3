/**
 * @module
 * The ingestion Worker (wrangler.ingest.toml): wiring only. It carries what
 * the API Worker leaves out (extraction, chunking, embedding of documents) and
 * runs jobs from two doors: the Queues consumer (uploads the API Worker sent)
 * and cron (everything else due, and the safety net for lost messages).
 * Every invocation runs in a request scope so a `hyperdrive` socket lives and
 * dies with it.
 */
import "../lib/db/workers.js";
import { inRequestScope } from "../lib/db/request-scope.js";
import { runScheduled } from "../lib/jobs/scheduled.js";
import { consumeIngestBatch } from "../lib/queue/consumer.js";
import { servicesFor } from "../lib/runtime/services.js";

// Configuration is parsed by one schema (lib/config/schema.ts) from whatever the bindings hold.
const bindings = (env: Env) => env as unknown as Record<string, unknown>;

// wrangler requires the module's default export to be the handler object. The ingestion
// Worker's bindings carry the same names as the API Worker's, so both use the generated `Env`.
export default {
  async scheduled(controller, env, ctx) {
    await inRequestScope(ctx, (scoped) =>
      runScheduled({ env: bindings(env), cron: controller.cron, waitUntil: (p) => scoped.waitUntil(p) }),
    );
  },
  async queue(batch, env, ctx) {
    await inRequestScope(ctx, (scoped) =>
      consumeIngestBatch(servicesFor(bindings(env)), batch, (p) => scoped.waitUntil(p)),
    );
  },
} satisfies ExportedHandler<Env>;

/**
 * @module
 * The ingestion Worker (wrangler.ingest.toml), the composition root of this
 * runtime: it carries what the API Worker leaves out (extraction, chunking,
 * embedding of documents, parsed in the isolate's own thread) and runs jobs
 * from two doors: the Queues consumer (uploads the API Worker sent) and cron
 * (everything else due, and the safety net for lost messages). Uploads it
 * accepts itself (source syncs) go through the same queue. Every invocation
 * runs in a request scope so a `hyperdrive` socket lives and dies with it.
 */
import { inRequestScope } from "../lib/db/request-scope.js";
import { prepareFile } from "../lib/ingest/prepare.js";
import { consumeIngestBatch } from "../lib/jobs/queue-consumer.js";
import { runScheduled } from "../lib/jobs/scheduled.js";
import { servicesFor } from "../lib/runtime/services.js";
import { workersRuntime } from "../lib/runtime/workers.js";
import { workersExtractServices } from "../lib/runtime/workers-ocr.js";

// Files are parsed in the isolate's own thread, with the OCR provider the configuration names (Workers AI or none).
const runtime = workersRuntime((config, env) => {
  const services = workersExtractServices(config, env);
  return async (input) => prepareFile(input, services);
});

// Configuration is parsed by one schema (lib/config/schema.ts) from whatever the bindings hold.
const bindings = (env: Env) => env as unknown as Record<string, unknown>;

// wrangler requires the module's default export to be the handler object. The ingestion Worker's bindings carry
// the same names as the API Worker's, so both use the generated `Env`.
export default {
  async scheduled(controller, env, ctx) {
    await inRequestScope(ctx, (scoped) =>
      runScheduled({
        env: bindings(env),
        runtime,
        cron: controller.cron,
        waitUntil: (p) => scoped.waitUntil(p),
      }),
    );
  },
  async queue(batch, env, ctx) {
    await inRequestScope(ctx, (scoped) =>
      consumeIngestBatch(servicesFor(bindings(env), runtime), batch, (p) => scoped.waitUntil(p)),
    );
  },
} satisfies ExportedHandler<Env>;

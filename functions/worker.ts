/**
 * @module
 * The API Worker (wrangler.toml), the composition root of this runtime: the
 * transports safe in workerd, accepted uploads sent to the ingestion Worker
 * (functions/ingest-worker.ts) through `INGEST_QUEUE` and the job table, the
 * token estimate for answers. It carries no extraction, chunking or job
 * runner (no `jobsTick`): that keeps pdf.js and the tokenizer's ranks out of
 * its bundle. The database handle is created lazily by the first request and
 * reused by every later one in this isolate; each request runs in a request
 * scope, so a `hyperdrive` socket is that request's own and closes after it.
 */
import { inRequestScope } from "../lib/db/request-scope.js";
import { createApp } from "../lib/http/app.js";
import { answerMcp } from "../lib/http/routes/mcp-request.js";
import { staticAssetsFromBinding } from "../lib/http/static-assets.js";
import { workersRuntime } from "../lib/runtime/workers.js";

const app = createApp({ runtime: workersRuntime(), mcp: answerMcp, assets: staticAssetsFromBinding("ASSETS") });

// wrangler requires the module's default export to be the handler object.
export default {
  fetch: (request, env, ctx) => inRequestScope(ctx, async (scoped) => app.fetch(request, env, scoped)),
} satisfies ExportedHandler<Env>;

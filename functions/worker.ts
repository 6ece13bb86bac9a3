/**
 * @module
 * The API Worker (wrangler.toml): wiring only. It serves the HTTP API and
 * carries no extraction or chunking: accepted uploads go to the ingestion
 * Worker (functions/ingest-worker.ts) through `INGEST_QUEUE` and the job table.
 * The database handle is created lazily by the first request and reused by
 * every later one in this isolate; each request runs in a request scope, so a
 * `hyperdrive` socket is that request's own and closes after it.
 */
import "../lib/db/workers.js";
import { inRequestScope } from "../lib/db/request-scope.js";
import { createApp } from "../lib/http/app.js";
import { staticAssetsFromBinding } from "../lib/http/static-assets.js";

const app = createApp({ assets: staticAssetsFromBinding("ASSETS") });

// wrangler requires the module's default export to be the handler object.
export default {
  fetch: (request, env, ctx) => inRequestScope(ctx, async (scoped) => app.fetch(request, env, scoped)),
} satisfies ExportedHandler<Env>;

/**
 * @module
 * Cloudflare Workers entrypoint: wiring only. The database handle is created
 * lazily by the first request or cron tick and reused by every later one in
 * this isolate; on Workers it is Neon's HTTP query function (no sockets).
 */
import "../lib/db/workers.js";
import { createApp } from "../lib/http/app.js";
import { runScheduled } from "../lib/jobs/scheduled.js";

type Env = Record<string, unknown>;

const app = createApp();

// wrangler requires the module's default export to be the handler object.
export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    await runScheduled({ env, cron: controller.cron, waitUntil: (p) => ctx.waitUntil(p) });
  },
} satisfies ExportedHandler<Env>;

/**
 * @module
 * Builds the Hono app every entrypoint serves (Workers, Node server, Lambda). What differs between runtimes comes
 * in as options from the entrypoint (the composition root): the runtime's parts, how `/mcp` is answered, and the
 * `/jobs/run` tick where this runtime runs jobs.
 *
 * @example
 * const app = createApp({ env: () => process.env, runtime: nodeRuntime(), mcp: answerMcp, jobsTick: runTick });
 * serve({ fetch: app.fetch, port: 8787 });
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { JobsTick } from "../jobs/scheduled.js";
import { log } from "../log/logger.js";
import type { RuntimeParts } from "../runtime/parts.js";
import { servicesFor } from "../runtime/services.js";
import { apiKeyAuth } from "./auth.js";
import { corsFromConfig } from "./cors.js";
import { handleError } from "./errors.js";
import type { HonoEnv } from "./hono-env.js";
import { shedOverload } from "./overload.js";
import { problemResponse } from "./problem.js";
import { assertEveryRouteDeclared } from "./route-helpers/register.js";
import { healthRoutes } from "./routes/health.js";
import { jobRoutes } from "./routes/jobs.js";
import { keyRoutes } from "./routes/keys/index.js";
import { type McpAnswer, mcpRoutes } from "./routes/mcp.js";
import { memoryRoutes } from "./routes/memory/index.js";
import { sourceRoutes } from "./routes/sources/index.js";

export type AppOptions = {
  /** The runtime's parts (transports, job start, token counter), from its composition root. */
  runtime: RuntimeParts;
  /**
   * Answers `POST /mcp`. Node roots pass one that imports the MCP SDK and tools on the first MCP request (a sixth
   * of the module graph a cold start loaded); the Worker passes it eagerly, since a dynamic import there only
   * makes esbuild wrap the modules it reaches in lazy initialisers.
   */
  mcp: McpAnswer;
  /** Runs one scheduler tick for `/jobs/run`; absent where this runtime runs no jobs (the API Worker). */
  jobsTick?: JobsTick;
  /** Where configuration comes from; defaults to the runtime's bindings (`c.env`). */
  env?: () => Record<string, unknown>;
  /** Static files (the playground, /docs) answered before the key check; Workers serve them as Static Assets. */
  assets?: MiddlewareHandler;
  /** Extra routes mounted after the built-in ones (tests, embedding apps); each needs an access declaration too. */
  extend?: (app: Hono<HonoEnv>) => void;
};

export function createApp(options: AppOptions): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();

  app.use("*", async (c, next) => {
    const started = Date.now();
    const requestId = c.req.header("x-request-id")?.slice(0, 64) || crypto.randomUUID();
    const wide: Record<string, unknown> = { requestId, method: c.req.method, path: c.req.path };
    c.set("requestId", requestId);
    c.set("wide", wide);
    c.header("x-request-id", requestId);
    try {
      c.set("services", servicesFor(options.env?.() ?? (c.env as Record<string, unknown>) ?? {}, options.runtime));
      await next();
    } finally {
      wide.status = c.res.status;
      wide.durationMs = Date.now() - started;
      (c.res.status >= 500 ? log.warn : log.info)("http.request", wide);
    }
  });

  // Before CORS, auth and body parsing: a shed request costs next to nothing.
  app.use("*", shedOverload());
  // Preflights carry no key: CORS answers them before the key check (and only when configured).
  app.use("*", corsFromConfig());
  // Static pages hold no data (they call the API with the key the user types), so they need no key.
  if (options.assets) app.use("*", options.assets);
  // After the services are set (auth reads API_KEYS from them), before any route: unknown paths answer 401 too.
  app.use("*", apiKeyAuth());
  app.route("/", healthRoutes());
  const api = memoryRoutes();
  // Mounted on the memory API (not beside it) so /openapi.json documents /sources too.
  api.route("/", sourceRoutes());
  api.route("/", keyRoutes());
  app.route("/", api);
  app.route("/", jobRoutes(options.jobsTick));
  app.route("/", mcpRoutes(options.mcp));
  options.extend?.(app);
  // Each operation declares what it needs where it is registered (route-helpers/register.ts); one that does not stops the start.
  assertEveryRouteDeclared(app);

  app.notFound((c) => problemResponse(c, 404, `no route for ${c.req.method} ${c.req.path}`));
  app.onError(handleError);
  return app;
}

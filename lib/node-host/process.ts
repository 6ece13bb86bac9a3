/**
 * @module
 * The Node server process (`npm start`): services, the HTTP server, the interval scheduler and the process's
 * signals, on the runtime parts its entrypoint (`functions/node.ts`, the composition root) builds. One process, one
 * database handle: a Neon `Pool` when DATABASE_URL is set, the embedded PGlite otherwise.
 */
import { ConfigError } from "../config/env.js";
import { closeAllHandles } from "../db/index.js";
import type { RuntimeParts } from "../runtime/parts.js";
import { servicesFor } from "../runtime/services.js";
import { forgetServer, recordServer } from "./last-server.js";
import { startScheduler } from "./scheduler.js";
import { startNodeServer } from "./server.js";

export async function runNodeProcess(runtime: RuntimeParts): Promise<void> {
  const services = (() => {
    try {
      return servicesFor(process.env, runtime);
    } catch (err) {
      // A bad environment stops the server before it listens, with the schema's message and no stack.
      if (!(err instanceof ConfigError)) throw err;
      console.error(`serverless-memory: ${err.message}`);
      process.exit(2);
    }
  })();
  // The first connection and the startup checks run while the server starts listening; a request that comes
  // before they finish waits for the same promise (services.ready() runs once per instance).
  const ready = services.ready();
  ready.catch(() => {}); // awaited (and reported) below
  const server = await startNodeServer({
    runtime,
    port: services.config.PORT,
    hostname: services.config.HOST,
  });
  try {
    await ready;
  } catch (err) {
    console.error(`serverless-memory: the database is not ready: ${(err as Error).message}`);
    if (services.db.transport === "pool" && !services.config.NEON_LOCAL_PROXY) {
      console.error(
        "The pool transport speaks Neon's WebSocket protocol. For a plain PostgreSQL, run `npm run proxy` and set NEON_LOCAL_PROXY=127.0.0.1:4444 (development only).",
      );
    }
    await server.close();
    process.exit(1);
  }
  const where =
    services.db.transport === "pglite" ? `embedded PGlite in ${services.config.PGLITE_DIR}` : services.db.transport;
  console.log(`serverless-memory listening on ${server.url} (database: ${where})`);
  console.log(`try: curl ${server.url}/health`);
  // The CLI's default --url (npm run cli) while this process runs.
  await recordServer(process.cwd(), server.url).catch((err: Error) =>
    console.error(`serverless-memory: could not record the URL for the CLI: ${err.message}`),
  );

  const intervalMs = services.config.JOBS_INTERVAL_MS;
  const scheduler = intervalMs > 0 ? startScheduler(process.env, runtime, intervalMs) : undefined;

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      forgetServer(process.cwd());
      void Promise.all([scheduler?.stop(), server.close()])
        .then(closeAllHandles)
        .finally(() => process.exit(0));
    });
  }
}

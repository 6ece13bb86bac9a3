/**
 * @module
 * Serves the pool-per-request baseline on `PORT` (a child process of `bench/fanout.ts`), so it runs in a process
 * of its own exactly as the service does.
 */
import { serve } from "@hono/node-server";
import { createPoolPerRequestApp } from "./pool-per-request.js";

const app = createPoolPerRequestApp(process.env);
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8788), hostname: "127.0.0.1" }, (info) =>
  console.log(`baseline listening on 127.0.0.1:${info.port}`),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}

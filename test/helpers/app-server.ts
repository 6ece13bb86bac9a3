/**
 * @module
 * Starts the real Node server (the code `npm start` runs) in this process with
 * a given environment, plus optional test-only routes.
 */
import type { Hono } from "hono";
import type { HonoEnv } from "../../lib/http/hono-env.js";
import { route } from "../../lib/http/route-helpers/register.js";
import { indexFree } from "../../lib/keys/access.js";
import { type NodeServer, startNodeServer } from "../../lib/node-host/server.js";
import { testRuntime } from "./runtime.js";

export async function startServer(
  env: Record<string, string>,
  extend?: (app: Hono<HonoEnv>) => void,
): Promise<NodeServer> {
  const merged = { ...process.env, ...env } as Record<string, unknown>;
  return startNodeServer({ runtime: testRuntime, port: 0, env: () => merged, extend });
}

/** A test-only route that holds a pooled connection for `ms` so requests overlap; declared like every route. */
export function sleepRoute(app: Hono<HonoEnv>): void {
  route(app, "GET", "/test/sleep", indexFree("read"), async (c) => {
    const seconds = Number(c.req.query("ms") ?? 50) / 1000;
    const [row] = await c
      .get("services")
      .db.query<{ pid: number }>("select pg_backend_pid() as pid, pg_sleep($1::float8)", [seconds]);
    return c.json({ pid: row!.pid });
  });
}

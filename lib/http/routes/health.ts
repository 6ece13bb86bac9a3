/**
 * @module
 * `GET /` and `GET /health`: liveness plus the proof that this instance holds
 * one database handle. `?check=db` also pings the database (503 when it is
 * unreachable) for readiness probes.
 */
import { Hono } from "hono";
import { handlesCreated } from "../../db/index.js";
import type { HonoEnv } from "../hono-env.js";

export const VERSION = "0.1.0";

export function healthRoutes(): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  const health = async (c: import("hono").Context<HonoEnv>) => {
    const { db } = c.get("services");
    const stats = db.stats();
    const body: Record<string, unknown> = {
      status: "ok",
      service: "serverless-memory",
      version: VERSION,
      db: {
        transport: stats.transport,
        handles: handlesCreated(),
        ...(stats.pool ? { pool: stats.pool } : {}),
      },
    };
    if (c.req.query("check") === "db") {
      const started = Date.now();
      await db.query("select 1");
      (body.db as Record<string, unknown>).pingMs = Date.now() - started;
    }
    return c.json(body);
  };
  app.get("/", health);
  app.get("/health", health);
  return app;
}

/**
 * @module
 * CORS for browser apps that call the API from another origin. Off unless
 * `CORS_ORIGINS` lists origins (or `*`). It runs before the API-key check, so
 * a preflight (which never carries credentials) is answered, while the real
 * request still needs its key.
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { HonoEnv } from "./hono-env.js";

export function corsFromConfig(): MiddlewareHandler<HonoEnv> {
  const handler = cors({
    origin: (origin, c) => {
      const allowed = (c.get("services").config.CORS_ORIGINS ?? "")
        .split(",")
        .map((o: string) => o.trim())
        .filter(Boolean);
      if (allowed.includes("*")) return "*";
      return allowed.includes(origin) ? origin : null;
    },
    allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["authorization", "content-type", "x-request-id"],
    exposeHeaders: ["retry-after", "x-request-id"],
    maxAge: 600,
  });
  return async (c, next) => {
    if (!c.get("services").config.CORS_ORIGINS) return next();
    return handler(c, next);
  };
}

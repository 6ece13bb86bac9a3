/**
 * @module
 * Sheds load instead of queueing it: past `MAX_IN_FLIGHT` requests in progress on this instance, a request is
 * answered 503 + Retry-After at once, before it reads its body or touches the database. Health probes are never
 * shed and never counted, so `/health` answers quickly while the instance is saturated.
 */
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "./hono-env.js";
import { problemResponse } from "./problem.js";

const PROBES = new Set(["GET /health", "HEAD /health", "GET /", "HEAD /"]);

let inFlight = 0;

export function shedOverload(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    if (PROBES.has(`${c.req.method} ${c.req.path}`)) return next();
    if (inFlight >= c.get("services").config.MAX_IN_FLIGHT) {
      c.get("wide").shed = "in_flight";
      return problemResponse(
        c,
        503,
        "The service is at capacity; retry after the indicated delay.",
        {},
        { "retry-after": "1" },
      );
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
}

/**
 * @module
 * Registers a route on an OpenAPIHono with a plain `Context` handler. The
 * route's schemas still validate the request and document it; handlers return
 * ordinary `Response`s (ProblemDetails, SSE) that the library's strict
 * per-status typing would otherwise reject.
 */
import type { OpenAPIHono, RouteConfig, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { HonoEnv } from "../hono-env.js";

export type MemoryHandler = (c: Context<HonoEnv>) => Promise<Response>;

export function register(app: OpenAPIHono<HonoEnv>, route: RouteConfig, handler: MemoryHandler): void {
  app.openapi(route, handler as never);
}

/** The request part `target` after its schema accepted it. */
export function valid<S extends z.ZodType>(c: Context<HonoEnv>, target: "json" | "query", _schema: S): z.output<S> {
  return (c.req.valid as (t: string) => unknown)(target) as z.output<S>;
}

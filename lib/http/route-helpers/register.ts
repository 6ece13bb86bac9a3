/**
 * @module
 * Registers a route on an OpenAPIHono. The route's schemas validate the
 * request and document it, and type the handler: its JSON answers are checked
 * against the response schemas.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { HonoEnv } from "../hono-env.js";

export function register<R extends RouteConfig>(
  app: OpenAPIHono<HonoEnv>,
  route: R,
  handler: RouteHandler<R, HonoEnv>,
): void {
  app.openapi(route, handler);
}

/** The request part `target` after its schema accepted it. */
export function valid<S extends z.ZodType>(c: Context<HonoEnv>, target: "json" | "query", _schema: S): z.output<S> {
  return (c.req.valid as (t: string) => unknown)(target) as z.output<S>;
}

/**
 * @module
 * Registers a route on an OpenAPIHono. The route's schemas validate the
 * request and document it, and type the handler: its JSON answers are checked
 * against the response schemas. A route that takes a JSON body always gets the
 * JSON body cap and the shape gate (`jsonBodyLimit`, whose gate the MCP tools
 * share): a route cannot be registered without them.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.js";
import { jsonBodyLimit } from "./limits.js";

export function register<R extends RouteConfig>(
  app: OpenAPIHono<HonoEnv>,
  route: R,
  handler: RouteHandler<R, HonoEnv>,
): void {
  app.openapi(withJsonGate(route), handler);
}

function withJsonGate<R extends RouteConfig>(route: R): R {
  const content = route.request?.body?.content as Record<string, unknown> | undefined;
  if (!content || !Object.keys(content).some((type) => type === "application/json" || type.endsWith("+json"))) {
    return route;
  }
  const middleware = [route.middleware ?? []].flat() as MiddlewareHandler[];
  if (middleware.includes(jsonBodyLimit as MiddlewareHandler)) return route;
  return { ...route, middleware: [jsonBodyLimit, ...middleware] };
}

/** The request part `target` after its schema accepted it. */
export function valid<S extends z.ZodType>(c: Context<HonoEnv>, target: "json" | "query", _schema: S): z.output<S> {
  return (c.req.valid as (t: string) => unknown)(target) as z.output<S>;
}

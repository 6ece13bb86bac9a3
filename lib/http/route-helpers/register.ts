/**
 * @module
 * Registers the HTTP operations, each with its `Access` declaration (lib/keys/access.ts):
 * `register` for OpenAPIHono routes (their schemas validate the request, document it and
 * type the handler), `route` for plain Hono handlers. Registration refuses a missing or
 * malformed declaration, and `assertEveryRouteDeclared` (run by `createApp`) refuses an app
 * holding a route registered any other way, so a route cannot be added without one.
 *
 * Every operation runs the same way: the key's scope is checked before the body is read,
 * then, once the inputs are parsed, the declared index input is resolved and `authorize`
 * decides; the handler receives the decision as `c.get("grant")` and touches `grant.index`.
 *
 * `open()` operations are reached without a key: `isOpenOperation` is what auth asks, and their OpenAPI entry
 * says `security: []`, both from the one declaration.
 *
 * A route that takes a JSON body always gets the JSON body cap and the shape gate (`jsonBodyLimit`,
 * whose gate the MCP tools share, lib/contract/accept.ts): it cannot be registered without them.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler, z } from "@hono/zod-openapi";
import type { Context, Handler, Hono, MiddlewareHandler } from "hono";
import { validateSourceId } from "../../contract/source-input.js";
import { normalizeIndexName } from "../../contract/validate.js";
import { NotFoundError } from "../../errors.js";
import {
  type Access,
  admit,
  authorize,
  checkAccess,
  effectiveAccess,
  type Grant,
  type Subject,
} from "../../keys/access.js";
import { getSource } from "../../sources/index.js";
import type { HonoEnv } from "../hono-env.js";
import { memoryContext } from "./context.js";
import { jsonBodyLimit } from "./limits.js";

type AnyHandler = Handler<HonoEnv>;

/** Final handlers registered with a declaration; any other route fails `assertEveryRouteDeclared`. */
const declared = new WeakSet<object>();

/** `METHOD /path` of every operation declared `open()`: auth lets them through, the API description says so. */
const openOperations = new Set<string>();

/** Whether `method path` was registered as `open()` (HEAD is answered by the GET route). */
export function isOpenOperation(method: string, path: string): boolean {
  return openOperations.has(`${method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase()} ${path}`);
}

function declareOpen(access: Access, method: string, path: string): void {
  if (!access.open) return;
  // Auth matches the request's path itself: an open operation has no path parameters.
  if (/[{:*]/.test(path)) throw new Error(`${method} ${path}: an open() operation needs a fixed path`);
  openOperations.add(`${method.toUpperCase()} ${path}`);
}

export function register<R extends RouteConfig>(
  app: OpenAPIHono<HonoEnv>,
  route: R,
  access: Access,
  handler: RouteHandler<R, HonoEnv>,
): void {
  const label = `${route.method.toUpperCase()} ${route.path}`;
  checkAccess(access, label);
  checkInputExists(route, access, label);
  declareOpen(access, route.method, route.path);
  const middleware = route.middleware === undefined ? [] : [route.middleware].flat();
  const gate = takesJson(route) && !middleware.includes(jsonBodyLimit) ? [jsonBodyLimit] : [];
  const security = access.open ? { security: [] } : {};
  const withAdmission = { ...route, ...security, middleware: [admission(access), ...gate, ...middleware] } as R;
  app.openapi(withAdmission, authorized(access, handler as unknown as AnyHandler) as never);
}

function takesJson(route: RouteConfig): boolean {
  const content = route.request?.body?.content as Record<string, unknown> | undefined;
  return Object.keys(content ?? {}).some((type) => type === "application/json" || type.endsWith("+json"));
}

/** A plain Hono route: `handlers` are its middleware, then its handler (last). */
export function route(
  app: Hono<HonoEnv>,
  method: "GET" | "POST" | "DELETE",
  path: string,
  access: Access,
  ...handlers: [...MiddlewareHandler<HonoEnv>[], AnyHandler]
): void {
  checkAccess(access, `${method} ${path}`);
  declareOpen(access, method, path);
  const handler = handlers.pop() as AnyHandler;
  app.on(method, path, admission(access), ...(handlers as MiddlewareHandler<HonoEnv>[]), authorized(access, handler));
}

/** The decision `authorize` made for this request (set before the handler runs). */
export function grantOf(c: Context<HonoEnv>): Grant {
  return c.get("grant");
}

/** The index the request was authorized for; only for operations that declared an index input. */
export function grantedIndex(c: Context<HonoEnv>): string {
  const index = c.get("grant").index;
  if (index === undefined) throw new Error("grantedIndex: this operation declared no index input");
  return index;
}

/** The request part `target` after its schema accepted it. */
export function valid<S extends z.ZodType>(
  c: Context<HonoEnv>,
  target: "json" | "query" | "param",
  _schema: S,
): z.output<S> {
  return (c.req.valid as (t: string) => unknown)(target) as z.output<S>;
}

/** Throws when the app serves a route that was not registered with a declaration (run once, at startup). */
export function assertEveryRouteDeclared(app: Hono<HonoEnv>): void {
  const handlersByRoute = new Map<string, unknown[]>();
  for (const r of app.routes) {
    // `app.use("*", …)`: middleware that every request passes, not an operation.
    if (r.method === "ALL" && (r.path === "/*" || r.path === "*")) continue;
    const key = `${r.method} ${r.path}`;
    handlersByRoute.set(key, [...(handlersByRoute.get(key) ?? []), r.handler]);
  }
  const missing = [...handlersByRoute].filter(([, hs]) => !hs.some((h) => declared.has(h as object)));
  if (missing.length > 0) {
    throw new Error(`routes registered without an access declaration: ${missing.map(([k]) => k).join(", ")}`);
  }
}

/** The scope alone, before any validator or body parser reads the request. */
function admission(access: Access): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    try {
      admit(c.get("principal"), access);
    } catch (error) {
      c.get("wide").auth = "scope";
      throw error;
    }
    await next();
  };
}

function authorized(access: Access, handler: AnyHandler): AnyHandler {
  const run: AnyHandler = async (c, next) => {
    const { index, subject } = await resolveIndex(c, access);
    const raised = access.raisedBy ? inputValue(c, ...splitInput(access.raisedBy.input)) : undefined;
    c.set("grant", authorize(c.get("principal"), effectiveAccess(access, raised), index, subject));
    return handler(c, next);
  };
  declared.add(run);
  return run;
}

/** The declared input's value as a normalised index name (a source id names its source's index). */
async function resolveIndex(c: Context<HonoEnv>, access: Access): Promise<{ index?: string; subject?: Subject }> {
  if (access.index === null) return {};
  const [where, name] = splitInput(access.index);
  const raw = inputValue(c, where, name);
  if ((raw === undefined || raw === null) && access.optional) return {};
  if (access.via !== "source") return { index: normalizeIndexName(raw as string | null | undefined) };
  const id = typeof raw === "string" ? raw : "";
  let sourceId: string;
  try {
    sourceId = validateSourceId(id);
  } catch {
    // An id that cannot exist is simply not found; its format is not the caller's concern.
    throw new NotFoundError("source", id.slice(0, 64));
  }
  const source = await getSource(await memoryContext(c), sourceId);
  return { index: source.index, subject: { entity: "source", id: sourceId } };
}

type Where = "query" | "json" | "param" | "input";

function splitInput(input: string): [Where, string] {
  const [where, name] = input.split(".") as [Where, string];
  return [where, name];
}

function inputValue(c: Context<HonoEnv>, where: Where, name: string): unknown {
  if (where === "input") return (c.get("input") as Record<string, unknown> | undefined)?.[name];
  const validated = (c.req.valid as (t: string) => Record<string, unknown> | undefined)(where);
  if (validated) return validated[name];
  return where === "param" ? c.req.param(name) : where === "query" ? c.req.query(name) : undefined;
}

/** A declaration naming an input the route's schema does not have is a typo: refuse it at startup. */
function checkInputExists(route: RouteConfig, access: Access, label: string): void {
  if (access.index === null) return;
  checkOneInput(route, access.index, label);
  if (access.raisedBy) checkOneInput(route, access.raisedBy.input, label);
}

function checkOneInput(route: RouteConfig, input: string, label: string): void {
  const [where, name] = splitInput(input);
  const schemaOf: Record<Where, unknown> = {
    query: route.request?.query,
    param: route.request?.params,
    json: (route.request?.body?.content?.["application/json"] as { schema?: unknown } | undefined)?.schema,
    input: undefined,
  };
  if (!(where in schemaOf) || !name) throw new Error(`${label}: '${input}' is not an input of the route`);
  if (where === "input") return;
  const shape = (schemaOf[where] as { shape?: Record<string, unknown> } | undefined)?.shape;
  if (!shape || !(name in shape)) throw new Error(`${label}: '${input}' is not an input of the route`);
}

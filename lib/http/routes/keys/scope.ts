/**
 * @module
 * Scoped keys at the HTTP edge. `scopeGuard` refuses, before any handler
 * runs, a route whose scope the key lacks (403 ProblemDetails); it decides by
 * method and path alone, so it never reads a body. Handlers then call
 * `allowIndex` with the index they are about to touch: a foreign index is
 * the same 404 a missing thing would be.
 */
import type { Context, MiddlewareHandler } from "hono";
import { authorizeIndex, hasScope } from "../../../keys/access.js";
import type { Scope } from "../../../keys/types.js";
import type { HonoEnv } from "../../hono-env.js";
import { problemResponse } from "../../problem.js";

/** Routes above `read`. Everything else a valid key may call (its handlers still check indexes). */
const NEEDS: Array<{ method: string; path: RegExp; scope: Scope }> = [
  { method: "*", path: /^\/keys(\/|$)/, scope: "admin" },
  // One tick runs every tenant's jobs and source syncs.
  { method: "*", path: /^\/jobs\/run$/, scope: "admin" },
  { method: "POST", path: /^\/upload$/, scope: "write" },
  { method: "DELETE", path: /^\/(documents|indexes)$/, scope: "write" },
  { method: "POST", path: /^\/sources(\/[^/]+\/sync)?$/, scope: "write" },
  { method: "DELETE", path: /^\/sources\/[^/]+$/, scope: "write" },
  // Settings change every later search on the index. (Evaluate with `apply` checks write in its handler.)
  { method: "PATCH", path: /^\/indexes\/[^/]+\/settings$/, scope: "write" },
];

export function requiredScope(method: string, path: string): Scope {
  const rule = NEEDS.find((r) => (r.method === "*" || r.method === method) && r.path.test(path));
  return rule?.scope ?? "read";
}

export function scopeGuard(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    const need = requiredScope(c.req.method, c.req.path);
    if (hasScope(principal, need)) return next();
    c.get("wide").auth = "scope";
    return problemResponse(
      c,
      403,
      `This API key has the '${principal.scope}' scope; ${c.req.method} ${c.req.path} needs '${need}'.`,
    );
  };
}

/** Throws NotFoundError for an index the caller's key does not match (ForbiddenError if its scope is too low). */
export function allowIndex(c: Context<HonoEnv>, index: string, need: Scope = "read"): void {
  authorizeIndex(c.get("principal"), index, need);
}

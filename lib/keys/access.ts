/**
 * @module
 * What a principal may do, checked by every edge (HTTP routes, MCP tools)
 * before a verb runs. An index the key does not match is reported exactly like
 * a missing one (`NotFoundError`), so a tenant cannot probe for other tenants'
 * index names; a scope that is too low is a `ForbiddenError`.
 */
import { ForbiddenError, NotFoundError } from "../errors.js";
import { matchesAny } from "./patterns.js";
import { type Principal, SCOPES, type Scope } from "./types.js";

export function hasScope(principal: Principal, need: Scope): boolean {
  return SCOPES.indexOf(principal.scope) >= SCOPES.indexOf(need);
}

export function requireScope(principal: Principal, need: Scope): void {
  if (!hasScope(principal, need)) {
    throw new ForbiddenError(`this API key has the '${principal.scope}' scope; this operation needs '${need}'`);
  }
}

export function canSeeIndex(principal: Principal, index: string): boolean {
  return matchesAny(principal.patterns, index);
}

/** Scope first (it says nothing about the index), then the index: foreign indexes are "not found". */
export function authorizeIndex(principal: Principal, index: string, need: Scope): void {
  requireScope(principal, need);
  if (!canSeeIndex(principal, index)) throw new NotFoundError("index", index);
}

export function visibleOnly<T extends { index: string }>(principal: Principal, items: readonly T[]): T[] {
  return items.filter((item) => canSeeIndex(principal, item.index));
}

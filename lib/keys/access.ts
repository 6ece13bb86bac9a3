/**
 * @module
 * Authorization: what an operation needs (`Access`, declared where the operation
 * is registered: an HTTP route, an MCP tool or resource) and the one function
 * that decides (`authorize`). The edges resolve the declared index input and
 * call it before the operation's own code runs; no operation calls it itself.
 *
 * An index the key does not match is reported exactly like a missing one
 * (`NotFoundError`), so a tenant cannot probe for other tenants' index names;
 * a scope that is too low is a `ForbiddenError`.
 *
 * @example
 * const access = indexed("read", "query.index");
 * const grant = authorize(principal, access, "acme-docs"); // throws for a foreign index
 * await listDocuments(ctx, grant.index);
 */
import { ForbiddenError, NotFoundError } from "../errors.js";
import { matchesAny } from "./patterns.js";
import { type Principal, SCOPES, type Scope } from "./types.js";

/** What an operation needs, declared where it is registered. */
export type Access = {
  scope: Scope;
  /**
   * The input that names the one index the operation touches (its name is the edge's: `query.index`,
   * `index`…), or `null` for an operation that touches no single index: it lists across the indexes
   * the key sees (through `Grant.sees`) or holds no tenant data.
   */
  index: string | null;
  /** The index input may be absent; the operation then lists across the indexes the key sees. */
  optional?: boolean;
  /** The input names a record whose index the edge looks up (a source id), not an index. */
  via?: "source";
  /**
   * A boolean input that makes the operation write (evaluate's `apply` stores the tuned settings): when it is true,
   * the operation needs `scope` instead. The edge reads it with the index input, before the operation runs.
   */
  raisedBy?: { input: string; scope: Scope };
  /** Reached without a key (probes, the API description): holds no tenant data, touches no index. */
  open?: true;
};

/** What `authorize` hands the operation: the index it may touch (when it declared one) and the key's view. */
export type Grant = {
  index: string | undefined;
  sees(index: string): boolean;
};

/** What the caller named when the index came from a record (a source): a foreign one is that record "not found". */
export type Subject = { entity: string; id: string };

/** An operation on the one index named by `input`. */
export function indexed(
  scope: Scope,
  input: string,
  options: Pick<Access, "optional" | "via" | "raisedBy"> = {},
): Access {
  return Object.freeze({ scope, index: input, ...options });
}

/** An operation on no single index: it lists what the key sees, or holds no tenant data. */
export function indexFree(scope: Scope): Access {
  return Object.freeze({ scope, index: null });
}

/**
 * No key needed (liveness probes, the API description): the edge lets the request through without one, its
 * principal may touch nothing, and the API description says `security: []`, both from this declaration.
 */
export function open(): Access {
  return Object.freeze({ scope: "read", index: null, open: true });
}

/** Key management and whole-service work: admin keys only. */
export function adminOnly(): Access {
  return Object.freeze({ scope: "admin", index: null });
}

/** Throws at registration (startup) when an operation's declaration is missing or malformed. */
export function checkAccess(access: Access | undefined, operation: string): Access {
  if (!access || !SCOPES.includes(access.scope) || (access.index !== null && typeof access.index !== "string")) {
    throw new Error(`${operation} is registered without an access declaration (scope and index input)`);
  }
  if (access.index === null && (access.optional || access.via || access.raisedBy)) {
    throw new Error(`${operation}: 'optional', 'via' and 'raisedBy' need an index input`);
  }
  if (access.raisedBy && !SCOPES.includes(access.raisedBy.scope)) {
    throw new Error(`${operation}: 'raisedBy' names no scope`);
  }
  return access;
}

function hasScope(principal: Principal, need: Scope): boolean {
  return SCOPES.indexOf(principal.scope) >= SCOPES.indexOf(need);
}

/**
 * The decision. Scope first (it says nothing about the index), then the index: `index` is the
 * declared input's value, normalised by the edge; `undefined` only when the declaration allows it
 * (an optional index, or none). `subject` names the record the index was looked up from.
 */
export function authorize(principal: Principal, access: Access, index: string | undefined, subject?: Subject): Grant {
  if (!hasScope(principal, access.scope)) {
    throw new ForbiddenError(`this API key has the '${principal.scope}' scope; this operation needs '${access.scope}'`);
  }
  const sees = (name: string) => matchesAny(principal.patterns, name);
  if (access.index === null) return { index: undefined, sees };
  if (index === undefined) {
    if (access.optional) return { index: undefined, sees };
    throw new Error(`the index input '${access.index}' was not resolved before authorization`);
  }
  if (!sees(index)) throw subject ? new NotFoundError(subject.entity, subject.id) : new NotFoundError("index", index);
  return { index, sees };
}

/** The access a request needs once its inputs are read: `raisedBy`'s scope when that input is true. */
export function effectiveAccess(access: Access, raised: unknown): Access {
  return access.raisedBy && raised === true ? { ...access, scope: access.raisedBy.scope } : access;
}

/** The scope part of `authorize` alone, for refusing a request before its body is read. */
export function admit(principal: Principal, access: Access): void {
  authorize(principal, { scope: access.scope, index: null }, undefined);
}

/**
 * @module
 * Who is calling and what they may touch. Every request carries a `Principal`:
 * an `API_KEYS` key or an open (keyless) service is an unrestricted admin; a
 * stored key carries its scope and its index patterns.
 */

/** Ordered: each scope includes the ones before it. */
export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export type Principal = {
  /** `env`: one of API_KEYS; `open`: no API_KEYS and no key presented; `key`: a stored key. */
  kind: "env" | "open" | "key";
  scope: Scope;
  /** Glob patterns over normalised index names; `["*"]` sees every index. */
  patterns: readonly string[];
  /** The stored key's id (never the key), for logs. */
  keyId?: string;
};

export const ADMIN: Principal = Object.freeze({ kind: "env", scope: "admin", patterns: Object.freeze(["*"]) });
export const OPEN: Principal = Object.freeze({ kind: "open", scope: "admin", patterns: Object.freeze(["*"]) });

export type { ApiKeyRecord } from "../store/key-store.js";

export type NewApiKey = { name: string; scope: Scope; indexes: string[] };

/**
 * @module
 * API-key authentication, Kernel Memory style: the key travels in the
 * `Authorization` header, bare (what KM's .NET client sends) or as
 * `Bearer <key>`. `API_KEYS` holds one or more comma-separated keys so two can
 * be valid at once while a key is rotated. With no `API_KEYS` the service is
 * open (development). Operations registered as `open()` (lib/keys/access.ts) need no key: `GET /health` for
 * probes and `GET /openapi.json`, the API description `/docs` renders; the static pages (the playground, /docs)
 * hold no data and are answered before this check.
 *
 * Keys are compared as SHA-256 digests with a loop that never short-circuits,
 * against every configured key, so neither the position of the first wrong byte
 * nor which key matched shows in the timing. `crypto.subtle` exists on Workers
 * and Node alike. Keys are never logged.
 *
 * Every request leaves here with a `principal`: an `API_KEYS` key is an
 * unrestricted admin; any other presented key is looked up among the stored,
 * scoped keys (`lib/keys`, cached per instance); with no `API_KEYS` and no key
 * the open service treats the caller as admin. A stored key presented to an
 * open service is still honoured with its scope, so tenants can be tried
 * locally. Closed mode: once `API_KEYS` is set or any key has been issued, an
 * unknown (or revoked) key is 401 — a mistyped tenant key must never act as admin.
 * Without `API_KEYS` and with no key issued yet, a presented key is ignored.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../config/env.js";
import { keysIssued, resolveStoredKey } from "../keys/resolver.js";
import { looksLikeStoredKey } from "../keys/secret.js";
import { ADMIN, OPEN, type Principal } from "../keys/types.js";
import type { HonoEnv } from "./hono-env.js";
import { problemResponse } from "./problem.js";
import { waitUntilFor } from "./route-helpers/context.js";
import { isOpenOperation } from "./route-helpers/register.js";

/** Open routes hold no tenant data; their principal may touch nothing. */
const NOBODY: Principal = Object.freeze({ kind: "open", scope: "read", patterns: Object.freeze([]) });

const digestsByConfig = new WeakMap<Config, Promise<Uint8Array[]>>();
const encoder = new TextEncoder();

export function parseApiKeys(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
}

export function apiKeyAuth(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const services = c.get("services");
    const open = services.config.API_KEYS === undefined;
    // Declared where they are registered (`open()`): the same declaration gives their OpenAPI `security: []`.
    if (isOpenOperation(c.req.method, c.req.path)) {
      c.set("principal", open ? OPEN : NOBODY);
      return next();
    }
    const presented = presentedKey(c.req.header("authorization"));
    const principal = await principalFor(c, presented, open);
    if (principal) {
      c.set("principal", principal);
      if (principal.keyId) c.get("wide").keyId = principal.keyId;
      return next();
    }
    c.get("wide").auth = presented === undefined ? "missing" : "rejected";
    return problemResponse(
      c,
      401,
      presented === undefined
        ? "An API key is required in the Authorization header."
        : "The API key in the Authorization header is not valid.",
      {},
      { "www-authenticate": 'Bearer realm="serverless-memory"' },
    );
  };
}

/** Whether this request may see more than public data: the service is open, or it carries a valid key. */
export async function holdsValidKey(c: Context<HonoEnv>): Promise<boolean> {
  const { config } = c.get("services");
  if (config.API_KEYS === undefined) return true;
  const presented = presentedKey(c.req.header("authorization"));
  return presented !== undefined && (await matchesAny(presented, config));
}

async function principalFor(
  c: Context<HonoEnv>,
  presented: string | undefined,
  open: boolean,
): Promise<Principal | null> {
  if (presented === undefined) return open ? OPEN : null;
  const services = c.get("services");
  if (!open && (await matchesAny(presented, services.config))) return ADMIN;
  if (!open) {
    // Garbage never costs a database round trip (nor waits on a database that is down).
    if (!looksLikeStoredKey(presented)) return null;
    await services.ready();
    return resolveStoredKey(services.db, presented, waitUntilFor(c));
  }
  // Stored keys live in the database: migrations must have run (once per instance).
  await services.ready();
  const stored = looksLikeStoredKey(presented) ? await resolveStoredKey(services.db, presented, waitUntilFor(c)) : null;
  if (stored) return stored;
  return (await keysIssued(services.db)) ? null : OPEN;
}

function presentedKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  // Only HTTP whitespace (SP, HTAB) separates or surrounds the key: JS's \s and trim() also strip Unicode
  // spaces such as U+00A0, which would let `<key>\u00a0` authenticate as `<key>`.
  const key = header.replace(/^[ \t]*Bearer[ \t]+/i, "").replace(/^[ \t]+|[ \t]+$/g, "");
  return key === "" ? undefined : key;
}

async function matchesAny(presented: string, config: Config): Promise<boolean> {
  const [candidate, allowed] = await Promise.all([sha256(presented), configuredDigests(config)]);
  let matched = 0;
  for (const digest of allowed) matched |= equalDigests(candidate, digest);
  return matched === 1;
}

function configuredDigests(config: Config): Promise<Uint8Array[]> {
  let digests = digestsByConfig.get(config);
  if (!digests) {
    digests = Promise.all(parseApiKeys(config.API_KEYS).map(sha256));
    digestsByConfig.set(config, digests);
  }
  return digests;
}

/** 1 when equal, 0 otherwise; always walks all 32 bytes. */
function equalDigests(a: Uint8Array, b: Uint8Array): number {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0 ? 1 : 0;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * @module
 * API-key authentication, Kernel Memory style: the key travels in the
 * `Authorization` header, bare (what KM's .NET client sends) or as
 * `Bearer <key>`. `API_KEYS` holds one or more comma-separated keys so two can
 * be valid at once while a key is rotated. With no `API_KEYS` the service is
 * open (development). `GET /health` stays open for probes, and `GET /playground`,
 * a static page that holds no data (it calls the protected API with the key the user enters).
 *
 * Keys are compared as SHA-256 digests with a loop that never short-circuits,
 * against every configured key, so neither the position of the first wrong byte
 * nor which key matched shows in the timing. `crypto.subtle` exists on Workers
 * and Node alike. Keys are never logged.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../config/env.js";
import type { HonoEnv } from "./hono-env.js";
import { problemResponse } from "./problem.js";

/** Routes a load balancer or orchestrator must reach without a key, and the playground page (it holds no data). */
const OPEN_ROUTES = new Set(["GET /health", "HEAD /health", "GET /playground", "HEAD /playground"]);

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
    const { config } = c.get("services");
    if (config.API_KEYS === undefined || OPEN_ROUTES.has(`${c.req.method} ${c.req.path}`)) return next();
    const presented = presentedKey(c.req.header("authorization"));
    if (presented !== undefined && (await matchesAny(presented, config))) return next();
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

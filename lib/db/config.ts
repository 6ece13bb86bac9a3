/**
 * @module
 * What a `Db` handle is built from. Two configs that serialise alike share one
 * handle, so the key below is what "one handle per instance" is counted by.
 */
import type { RetryPolicy } from "./retry.js";
import type { Transport } from "./types.js";

export type DbConfig = {
  transport: Transport;
  /** Postgres connection string (pool, http); ignored by pglite. */
  url?: string;
  poolMax: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  /** hyperdrive: longest wait for one statement's (or batch's) answer before the client is abandoned with a 503. */
  statementTimeoutMs?: number;
  applicationName: string;
  retry: RetryPolicy;
  /** Folder for the embedded database; memory when absent. */
  pgliteDir?: string;
  /** pglite: false runs the embedded database on the caller's thread (only to measure against; it blocks). */
  pgliteThread?: boolean;
  /** `host:port` of the local Neon-compatible proxy (development and tests only; `NEON_LOCAL_PROXY`). */
  localProxy?: string;
  /** Pool: longest wait for a free connection before `PoolBusy` (unbounded when absent). */
  queueWaitMs?: number;
};

export function dbConfigKey(config: DbConfig): string {
  return JSON.stringify([
    config.transport,
    config.url ?? "",
    config.poolMax,
    config.idleTimeoutMs,
    config.connectTimeoutMs,
    config.statementTimeoutMs ?? 0,
    config.applicationName,
    config.retry,
    config.pgliteDir ?? "",
    config.pgliteThread ?? true,
    config.queueWaitMs ?? 0,
    config.localProxy ?? "",
  ]);
}

export { isWorkersRuntime } from "../config/platform.js";

/** The connection string of a Hyperdrive binding (`env.HYPERDRIVE`), if `binding` is one. */
export function hyperdriveConnectionString(binding: unknown): string | undefined {
  const value = (binding as { connectionString?: unknown } | null | undefined)?.connectionString;
  return typeof value === "string" && value !== "" ? value : undefined;
}

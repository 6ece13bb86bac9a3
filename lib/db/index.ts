/**
 * @module
 * The database capability: one `Db` interface, its handle and its errors.
 * Import `lib/db/node.ts` or `lib/db/workers.ts` once per runtime to register
 * the transports that runtime can use.
 */
export type { DbConfig } from "./config.js";
export { hyperdriveConnectionString, isWorkersRuntime } from "./config.js";
export {
  DatabaseConfigError,
  DatabaseError,
  DatabaseUnavailable,
  EmbeddedDatabaseStopped,
  PoolBusy,
} from "./errors.js";
export { background } from "./gate.js";
export { closeAllHandles, getDb, handlesCreated } from "./handle.js";
export { useLocalNeonProxy } from "./local-proxy.js";
export { createReadDb, type ReadRouting } from "./read-replica.js";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
export { isTransient, sqlStateOf } from "./transient.js";
export type { Db, DbStats, PoolStats, ReadStats, Row, Statement, Transport } from "./types.js";

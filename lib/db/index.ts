/**
 * @module
 * The database capability: one `Db` interface, its handle and its errors.
 * Each runtime's composition root passes the transports it can open
 * (`nodeTransports()` from `lib/db/node.ts`, `workersTransports` from
 * `lib/db/workers.ts`) to `getDb`.
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
export { closeAllHandles, getDb, handlesCreated, type Transports } from "./handle.js";
export { createReadDb, type ReadRouting } from "./read-replica.js";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
export { isTransient, sqlStateOf } from "./transient.js";
export type { Db, DbStats, PoolStats, ReadStats, Row, Statement, Transport } from "./types.js";

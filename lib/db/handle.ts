/**
 * @module
 * The one lazily-created database handle per instance. It lives at module
 * scope, outside any handler, so every request and job of a warm instance
 * reuses it; `handlesCreated()` lets /health and the tests prove it stays 1.
 *
 * Which transports exist is the caller's to say: each runtime's composition root hands in its own
 * (`nodeTransports()`, `workersTransports`), so a Workers bundle never carries the socket pool or the
 * embedded database, and a transport that cannot work there is refused loudly.
 */
import { type DbConfig, dbConfigKey } from "./config.js";
import { DatabaseConfigError } from "./errors.js";
import type { Db, Transport } from "./types.js";

/** The transports a runtime can open, each a factory of handles. */
export type Transports = Partial<Record<Transport, (config: DbConfig) => Db>>;

const handles = new Map<string, Db>();
let created = 0;

export function getDb(config: DbConfig, transports: Transports): Db {
  const key = dbConfigKey(config);
  const existing = handles.get(key);
  if (existing) return existing;
  const factory = transports[config.transport];
  if (!factory) {
    throw new DatabaseConfigError(
      `the ${config.transport} transport is not available in this runtime (available: ${Object.keys(transports).join(", ") || "none"})`,
    );
  }
  const db = factory(config);
  handles.set(key, db);
  created++;
  return db;
}

/** How many handles this instance has created since it started. */
export function handlesCreated(): number {
  return created;
}

/** Graceful shutdown (SIGTERM, tests): ends every handle's connections. */
export async function closeAllHandles(): Promise<void> {
  const all = [...handles.values()];
  handles.clear();
  await Promise.allSettled(all.map((db) => db.close()));
}

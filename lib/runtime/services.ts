/**
 * @module
 * What handlers and jobs share per instance: the parsed config and the one
 * database handle. Built lazily from the environment on first use and cached
 * at module scope, so warm invocations reuse everything.
 */
import { type Config, parseConfig } from "../config/env.js";
import { type Db, type DbConfig, getDb, isWorkersRuntime, useLocalNeonProxy } from "../db/index.js";
import { setLogLevel } from "../log/logger.js";
import { migrate } from "../migrate/migrate.js";

export type Services = {
  config: Config;
  db: Db;
  /** Resolves once migrations have run on this handle (at most once per instance). */
  ready(): Promise<void>;
};

const byEnvObject = new WeakMap<object, Services>();
const byEnvKey = new Map<string, Services>();
const migrated = new WeakMap<Db, Promise<void>>();

export function dbConfigFrom(config: Config): DbConfig {
  const transport = config.DB_TRANSPORT ?? (isWorkersRuntime() ? "http" : config.DATABASE_URL ? "pool" : "pglite");
  return {
    transport,
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    idleTimeoutMs: config.DB_IDLE_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    applicationName: config.DB_APPLICATION_NAME,
    retry: { budgetMs: config.DB_RETRY_BUDGET_MS, baseDelayMs: 50, maxDelayMs: 800 },
    pgliteDir: config.PGLITE_DIR,
  };
}

/** The services for an environment; the same object for every call with an equal environment. */
export function servicesFor(rawEnv: Record<string, unknown>): Services {
  const same = byEnvObject.get(rawEnv);
  if (same) return same;
  const key = envKey(rawEnv);
  const cached = byEnvKey.get(key);
  if (cached) {
    byEnvObject.set(rawEnv, cached);
    return cached;
  }
  const config = parseConfig(rawEnv);
  setLogLevel(config.LOG_LEVEL);
  if (config.NEON_LOCAL_PROXY) useLocalNeonProxy(config.NEON_LOCAL_PROXY);
  const db = getDb(dbConfigFrom(config));
  const services: Services = {
    config,
    db,
    ready: () => (config.AUTO_MIGRATE ? ensureMigrated(db) : Promise.resolve()),
  };
  byEnvKey.set(key, services);
  byEnvObject.set(rawEnv, services);
  return services;
}

function ensureMigrated(db: Db): Promise<void> {
  let pending = migrated.get(db);
  if (!pending) {
    pending = migrate(db).then(() => undefined);
    // A failed attempt (database briefly down) must not poison the instance.
    pending.catch(() => migrated.delete(db));
    migrated.set(db, pending);
  }
  return pending;
}

function envKey(rawEnv: Record<string, unknown>): string {
  const entries = Object.entries(rawEnv)
    .filter(([, v]) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(entries);
}

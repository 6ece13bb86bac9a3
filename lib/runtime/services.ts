/**
 * @module
 * What handlers and jobs share per instance: the parsed config and the one
 * database handle. Built lazily from the environment on first use and cached
 * at module scope, so warm invocations reuse everything.
 */
import { createEmbedderFromEnv, createGeneratorFromEnv, type Embedder, type TextGenerator } from "../ai/index.js";
import { type Config, parseConfig } from "../config/env.js";
import { type Db, type DbConfig, getDb, isWorkersRuntime, useLocalNeonProxy } from "../db/index.js";
import { runUploadedJob } from "../ingest/runner.js";
import { setLogLevel } from "../log/logger.js";
import type { MemoryContext } from "../memory/types.js";
import { migrate } from "../migrate/migrate.js";
import { ensureEmbeddingSpace } from "../store/embedding-space.js";

export type Services = {
  config: Config;
  db: Db;
  embedder: Embedder;
  /** Absent when no model is configured: answers are then extractive. */
  generator?: TextGenerator;
  /**
   * Resolves once migrations have run and the stored vector space matches the
   * embedder (at most once per instance; a failure is retried by the next call).
   */
  ready(): Promise<void>;
};

const byEnvObject = new WeakMap<object, Services>();
const byEnvKey = new Map<string, Services>();
const prepared = new WeakMap<Db, Map<string, Promise<void>>>();

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
    queueWaitMs: config.DB_QUEUE_WAIT_MS,
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
  const embedder = createEmbedderFromEnv(rawEnv);
  const services: Services = {
    config,
    db,
    embedder,
    generator: createGeneratorFromEnv(rawEnv),
    ready: () =>
      once(db, `${config.AUTO_MIGRATE}:${embedder.id}:${embedder.dimensions}`, async () => {
        if (config.AUTO_MIGRATE) await migrate(db);
        await ensureEmbeddingSpace(db, embedder);
      }),
  };
  byEnvKey.set(key, services);
  byEnvObject.set(rawEnv, services);
  return services;
}

/** The memory verbs' context for this instance; `waitUntil` keeps background work alive. */
export function memoryContextOf(services: Services, waitUntil: (promise: Promise<unknown>) => void): MemoryContext {
  return {
    db: services.db,
    config: services.config,
    embedder: services.embedder,
    ...(services.generator ? { generator: services.generator } : {}),
    waitUntil,
    startJob: runUploadedJob,
  };
}

function once(db: Db, key: string, run: () => Promise<void>): Promise<void> {
  let forDb = prepared.get(db);
  if (!forDb) {
    forDb = new Map();
    prepared.set(db, forDb);
  }
  let pending = forDb.get(key);
  if (!pending) {
    pending = run();
    // A failed attempt (database briefly down) must not poison the instance.
    pending.catch(() => forDb.delete(key));
    forDb.set(key, pending);
  }
  return pending;
}

function envKey(rawEnv: Record<string, unknown>): string {
  const entries = Object.entries(rawEnv)
    .filter(([, v]) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(entries);
}

/**
 * @module
 * What handlers and jobs share per instance: the parsed config, the one
 * database handle, AI, and the runtime's own parts (`RuntimeParts`, handed in
 * by its composition root). Built lazily from the environment on first use and
 * cached per runtime, so warm invocations reuse everything.
 */

import { followStoredOfflineSpace } from "../ai/config.js";
import { createEmbedder, createGenerator, type Embedder, type TextGenerator } from "../ai/index.js";
import type { Reranker } from "../ai/reranker.js";
import { createReranker } from "../ai/reranker-config.js";
import { type Config, ConfigError, parseConfig } from "../config/env.js";
import {
  createReadDb,
  DatabaseConfigError,
  type Db,
  type DbConfig,
  getDb,
  hyperdriveConnectionString,
  isWorkersRuntime,
} from "../db/index.js";
import { AppError } from "../errors.js";
import type { IngestContext } from "../ingest/isolation.js";
import { setLogLevel } from "../log/logger.js";
import type { MemoryContext, TokenCounter } from "../memory/types.js";
import { migrate } from "../migrate/migrate.js";
import { checkEmbeddingSpace, ensureEmbeddingSpace, storedEmbeddingSpace } from "../store/embedding-space.js";
import { ingestStore } from "../store/ingest-store.js";
import { textConfigExists } from "../store/text-config.js";
import type { Ingestion, RuntimeParts } from "./parts.js";
import { probeStartup } from "./startup-probe.js";

export type Services = {
  config: Config;
  db: Db;
  /** Reads that may be served by the read replica (`DATABASE_READ_URL`); `db` itself without one. */
  reader: Db;
  embedder: Embedder;
  /** Absent when no model is configured: answers are then extractive. */
  generator?: TextGenerator;
  /** How accepted uploads' jobs start here, and where files are parsed (absent where no job runs). */
  ingestion: Ingestion;
  tokenCounter(): Promise<TokenCounter>;
  /** Off unless RERANK_PROVIDER is set. */
  reranker?: Reranker;
  /**
   * Resolves once migrations have run and the stored vector space matches the
   * embedder (at most once per instance; a failure is retried by the next call).
   */
  ready(): Promise<void>;
};

type Cache = { byEnvObject: WeakMap<object, Services>; byEnvKey: Map<string, Services> };
const caches = new WeakMap<RuntimeParts, Cache>();
const prepared = new WeakMap<Db, Map<string, Promise<void>>>();

/** `bindings` are the runtime's non-string bindings; `hyperdrive` reads its URL from `HYPERDRIVE`. */
export function dbConfigFrom(config: Config, bindings: Record<string, unknown> = {}): DbConfig {
  const transport = config.DB_TRANSPORT ?? (isWorkersRuntime() ? "http" : config.DATABASE_URL ? "pool" : "pglite");
  return {
    transport,
    url:
      transport === "hyperdrive"
        ? (hyperdriveConnectionString(bindings.HYPERDRIVE) ?? config.DATABASE_URL)
        : config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    idleTimeoutMs: config.DB_IDLE_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    applicationName: config.DB_APPLICATION_NAME,
    retry: { budgetMs: config.DB_RETRY_BUDGET_MS, baseDelayMs: 50, maxDelayMs: 800 },
    pgliteDir: config.PGLITE_DIR,
    pgliteThread: config.PGLITE_THREAD,
    queueWaitMs: config.DB_QUEUE_WAIT_MS,
    ...(config.NEON_LOCAL_PROXY ? { localProxy: config.NEON_LOCAL_PROXY } : {}),
  };
}

/** The services for an environment on a runtime; the same object for every call with an equal environment. */
export function servicesFor(rawEnv: Record<string, unknown>, runtime: RuntimeParts): Services {
  let cache = caches.get(runtime);
  if (!cache) {
    cache = { byEnvObject: new WeakMap(), byEnvKey: new Map() };
    caches.set(runtime, cache);
  }
  const { byEnvObject, byEnvKey } = cache;
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
  const db = getDb(dbConfigFrom(config, rawEnv), runtime.transports);
  const embedder = createEmbedder(config, rawEnv.AI);
  const services: Services = {
    config,
    db,
    reader: config.DATABASE_READ_URL ? readerFor(config, db, runtime) : db,
    embedder,
    generator: createGenerator(config, rawEnv.AI),
    ingestion: runtime.ingestion(config, rawEnv),
    tokenCounter: runtime.tokenCounter,
    reranker: createReranker(config, rawEnv.AI),
    ready: () =>
      once(db, `${config.AUTO_MIGRATE}:${embedder.id}:${embedder.dimensions}`, async () => {
        // The usual case, a database already set up: one round trip, no DDL.
        const state = await probeStartup(db, config.SEARCH_TEXT_CONFIG);
        if (state && (state.migrated || !config.AUTO_MIGRATE) && state.textConfig && state.space && state.indexed) {
          services.embedder = followStoredOfflineSpace(config, embedder, state.space);
          checkEmbeddingSpace(state.space, services.embedder);
          return;
        }
        if (config.AUTO_MIGRATE) await migrate(db);
        if (!(await textConfigExists(db, config.SEARCH_TEXT_CONFIG))) {
          throw new ConfigError(`SEARCH_TEXT_CONFIG: no text-search configuration '${config.SEARCH_TEXT_CONFIG}'`);
        }
        services.embedder = followStoredOfflineSpace(config, embedder, await storedEmbeddingSpace(db));
        await ensureEmbeddingSpace(db, services.embedder, config.VECTOR_INDEX_BUILD_MEMORY);
        db.settled?.();
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
    reader: services.reader,
    config: services.config,
    embedder: services.embedder,
    ...(services.generator ? { generator: services.generator } : {}),
    ...(services.reranker ? { reranker: services.reranker } : {}),
    waitUntil,
    startJob: services.ingestion.startJob,
    ...(services.ingestion.startJobs ? { startJobs: services.ingestion.startJobs } : {}),
    tokenCounter: services.tokenCounter,
  };
}

/** The job runner's context (cron, the Queues consumer): the memory context and where files are parsed. */
export function ingestContextOf(services: Services, waitUntil: (promise: Promise<unknown>) => void): IngestContext {
  const { prepare } = services.ingestion;
  if (!prepare) {
    throw new AppError("misconfigured", "this runtime runs no ingestion jobs (on Workers the ingestion Worker does)");
  }
  return { ...memoryContextOf(services, waitUntil), store: ingestStore(services.db), prepare };
}

/** The replica's own handle (one per instance, like the primary's) behind the read routing. */
function readerFor(config: Config, primary: Db, runtime: RuntimeParts): Db {
  const base = dbConfigFrom(config);
  if (base.transport === "pglite") throw new DatabaseConfigError("DATABASE_READ_URL needs DATABASE_URL");
  // No retries on the replica: a read it cannot serve goes to the primary at once.
  const replica = getDb(
    { ...base, url: config.DATABASE_READ_URL, retry: { ...base.retry, budgetMs: 0 } },
    runtime.transports,
  );
  return createReadDb(primary, replica, {
    maxWaitMs: config.DB_READ_MAX_WAIT_MS,
    cooldownMs: config.DB_READ_COOLDOWN_MS,
  });
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

/**
 * @module
 * Shared scaffolding for the `suite-*` proof suites: a fresh database with the
 * schema applied by the service's own migrations (as the admin user), a local
 * Neon proxy, the real Node server, a least-privilege role, a digest of every
 * stored row, the ProblemDetails check, and a PostgreSQL restart.
 *
 * @example
 * const stack = await startStack("smsuite");
 * const server = await stack.serve({ DB_POOL_MAX: "10" });
 * const before = await stack.digest();
 */
import type pg from "pg";
import { createOfflineEmbedder } from "../../lib/ai/offline-embedder.js";
import { migrate } from "../../lib/migrate/migrate.js";
import type { NodeServer } from "../../lib/node-host/server.js";
import { ensureEmbeddingSpace } from "../../lib/store/embedding-space.js";
import { type NeonProxy, startNeonProxy } from "../../scripts/neon-proxy/server.js";
import { apiClient } from "./api.js";
import { startServer } from "./app-server.js";
import { createTestDatabase, ensureRole, type TestDatabase, uniqueAppName, urlFor, withAdmin } from "./database.js";
import { dbConfig, networkDb } from "./db-handles.js";
import { digestWith } from "./suite-checks.js";

export { checkProblem, corpusText, type ProblemCheck, tally } from "./suite-checks.js";

export type Stack = {
  database: TestDatabase;
  proxy: NeonProxy;
  /** Starts the Node server on this database (pool transport through the proxy) with `env` on top. */
  serve(env?: Record<string, string>): Promise<SuiteServer>;
  /** md5 over every row the service stores (file contents excluded), to prove "nothing changed". */
  digest(): Promise<string>;
  /** A `pg` client on the test database, as the admin; a new one per call. */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
};

export type SuiteServer = NodeServer & {
  env: Record<string, string>;
  /** The environment object exactly as the server sees it (for `runScheduled`, so it reuses the same handle). */
  mergedEnv: Record<string, unknown>;
  appName: string;
  call(path: string, init?: RequestInit): Promise<Response>;
  postJson(path: string, body: unknown, init?: RequestInit): Promise<Response>;
};

/** A fresh database and proxy; the schema is migrated by the service's code as `postgres`, outside any handle count. */
export async function startStack(prefix: string): Promise<Stack> {
  const database = await createTestDatabase(prefix);
  const proxy = await startNeonProxy();
  // createPoolDb directly (not getDb), so the servers of the suite are the only handles counted in /health.
  const db = networkDb("pool", proxy.address, dbConfig(database.url, { applicationName: "sm-test-migrate" }));
  try {
    await migrate(db);
    await ensureEmbeddingSpace(db, createOfflineEmbedder({ dimensions: 384 }));
  } finally {
    await db.close();
  }
  const servers: NodeServer[] = [];
  const query = async <T extends pg.QueryResultRow>(text: string, params?: unknown[]) =>
    withAdmin(async (c) => (await c.query<T>(text, params)).rows, database.name);
  return {
    database,
    proxy,
    query,
    serve: async (env = {}) => {
      const appName = env.DB_APPLICATION_NAME ?? uniqueAppName("suite");
      const full: Record<string, string> = {
        DATABASE_URL: database.url,
        DB_TRANSPORT: "pool",
        NEON_LOCAL_PROXY: proxy.address,
        DB_APPLICATION_NAME: appName,
        LOG_LEVEL: "error",
        ...env,
      };
      const server = await startServer(full);
      servers.push(server);
      const apiKey = env.API_KEYS?.split(",")[0]?.trim();
      return {
        ...server,
        env: full,
        mergedEnv: { ...process.env, ...full },
        appName,
        ...apiClient(server.url, apiKey || undefined),
      };
    },
    digest: () => digestOf(database.name),
    close: async () => {
      await Promise.allSettled(servers.map((s) => s.close()));
      await proxy.close();
      await database.drop();
    },
  };
}

/** Tables and the row text each contributes; content bytes stay out (the sha256 column stands for them). */
/** A login role that is not a superuser (so its connection limit applies), with DML rights on the test database. */
export async function createServiceRole(database: string, name: string, connectionLimit: number): Promise<string> {
  await ensureRole(name, connectionLimit);
  await withAdmin((c) => c.query(`grant connect on database "${database}" to "${name}"`));
  await withAdmin(async (c) => {
    await c.query(`grant usage on schema public to "${name}"`);
    await c.query(`grant select, insert, update, delete on all tables in schema public to "${name}"`);
    await c.query(`grant usage, select on all sequences in schema public to "${name}"`);
  }, database);
  return urlFor(database, name);
}

/** Waits (≤ 15 s) until the admin user can run a query again. */
export async function waitForPostgres(): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      await withAdmin((c) => c.query("select 1"));
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("PostgreSQL did not come back within 15 s");
}

/**
 * Waits (≤ 10 s) until `jobs` ingestion jobs are done and the vector index whose build the first load deferred is
 * built: that build deletes a settings row, which must not land inside a "changes nothing" digest. Answers the
 * jobs done.
 */
export async function settledUploads(stack: Stack, jobs: number): Promise<number> {
  let done = 0;
  for (let i = 0; i < 100; i++) {
    const [row] = await stack.query<{ n: number; deferred: boolean }>(
      `select (select count(*)::int from memory_jobs where state = 'done') as n,
              exists (select 1 from memory_settings where key = 'vector_index_deferred') as deferred`,
    );
    done = row!.n;
    if (done === jobs && !row!.deferred) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return done;
}

export async function digestOf(database: string): Promise<string> {
  return withAdmin(async (c) => digestWith(async (sql) => (await c.query(sql)).rows), database);
}

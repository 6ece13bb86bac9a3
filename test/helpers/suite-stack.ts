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
const DIGESTED: Array<[table: string, row: string]> = [
  ["memory_settings", "key, value"],
  ["memory_indexes", "name, created_at"],
  [
    "memory_documents",
    "index_name, document_id, tags, steps, completed_steps, remaining_steps, failed, error, args, generation, creation, last_update",
  ],
  ["memory_files", "index_name, document_id, file_id, name, content_type, size, sha256, source_url"],
  ["memory_chunks", "id, index_name, document_id, partition_number, content_hash, last_update"],
  ["memory_jobs", "id, index_name, document_id, generation, state, attempts, run_after, last_error, updated_at"],
  ["memory_embeddings", "index_name, content_hash"],
  ["memory_sources", "id, index_name, kind, url, tags, interval_seconds, updated_at"],
  ["memory_source_items", "source_id, url, document_id, content_hash, checked_at"],
];

export async function digestOf(database: string): Promise<string> {
  return withAdmin(async (c) => {
    const present = new Set(
      (
        await c.query<{ name: string }>(
          "select table_name as name from information_schema.tables where table_schema = 'public'",
        )
      ).rows.map((r) => r.name),
    );
    const parts: string[] = [];
    for (const [table, row] of DIGESTED) {
      if (!present.has(table)) continue;
      const { rows } = await c.query<{ n: number; md5: string }>(
        `select count(*)::int as n, md5(coalesce(string_agg(r::text, '|' order by r::text), '')) as md5
           from (select ${row} from ${table}) r`,
      );
      parts.push(`${table}:${rows[0]!.n}:${rows[0]!.md5}`);
    }
    return parts.join(" ");
  }, database);
}

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

export type ProblemCheck = { ok: true; status: number } | { ok: false; reason: string };

/**
 * Reads the response and says whether it is an RFC 7807 ProblemDetails with the response's status
 * (`type`, `title`, `status`, `detail`, content type application/problem+json).
 */
export async function checkProblem(res: Response): Promise<ProblemCheck & { body: string }> {
  const body = await res.text();
  const type = res.headers.get("content-type") ?? "";
  const fail = (reason: string) => ({
    ok: false as const,
    reason: `${res.status} ${reason}: ${body.slice(0, 300)}`,
    body,
  });
  if (!type.startsWith("application/problem+json")) return fail(`content-type ${type}`);
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return fail("body is not JSON");
  }
  for (const key of ["type", "title", "detail"]) {
    if (typeof problem[key] !== "string" || problem[key] === "") return fail(`no ${key}`);
  }
  if (problem.status !== res.status) return fail(`problem.status ${String(problem.status)}`);
  return { ok: true, status: res.status, body };
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

/** A document of several ~1000-token partitions, distinct per `seed`, the same length for every seed. */
export function corpusText(seed: number, paragraphs = 3): string {
  const words = ["harbour", "lantern", "orchard", "granite", "meadow", "falcon", "copper", "willow"];
  return Array.from({ length: paragraphs }, (_, p) => {
    const topic = `${words[seed % words.length]}-${String(seed).padStart(4, "0")}`;
    return `Section ${p} about ${topic}. ${`The ${topic} report covers tides, trade and weather in detail. `.repeat(90)}`;
  }).join("\n\n");
}

/** Counts statuses and keeps the bodies of the ones a test wants to inspect. */
export function tally(): {
  add(status: number): void;
  counts: Map<number, number>;
  get(status: number): number;
  toString(): string;
} {
  const counts = new Map<number, number>();
  return {
    counts,
    add: (status) => counts.set(status, (counts.get(status) ?? 0) + 1),
    get: (status) => counts.get(status) ?? 0,
    toString: () =>
      [...counts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(" "),
  };
}

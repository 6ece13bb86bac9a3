/**
 * The service keeps its own planner statistics current (issue 23; migration 0014, lib/ingest/statistics.ts): after a
 * bulk ingest on a fresh database — this machine's PostgreSQL runs with autovacuum off, so nothing else analyzes —
 * the vector search is planned as an HNSW index scan, not a sort of every chunk. The control half ingests with the
 * auto-analysis turned off and sees the bad plan, so the test shows the problem is real here and can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineEmbedder } from "../../../lib/ai/index.js";
import { closeAllHandles, type Db } from "../../../lib/db/index.js";
import { runDueJobs } from "../../../lib/ingest/runner.js";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { searchChunks } from "../../../lib/store/chunk-search.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { memoryContext, text } from "../../helpers/memory.js";

/** Per half: documents of many short chunks, so thousands of chunks cost few jobs. */
const DOCUMENTS = 6;
const SENTENCES = 250;
const WORDS = ["heron", "kestrel", "otter", "badger", "swift", "mole", "vole", "lark", "wren", "finch", "stoat"];

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;

beforeAll(async () => {
  database = await createTestDatabase("smstats");
  proxy = await startNeonProxy();
});

afterAll(async () => {
  await closeAllHandles();
  await proxy?.close();
  await database?.drop();
});

const poolEnv = () => ({
  DATABASE_URL: database.url,
  DB_TRANSPORT: "pool",
  NEON_LOCAL_PROXY: proxy.address,
  DB_APPLICATION_NAME: "smt-table-statistics",
});

async function ingest(
  env: Record<string, string>,
  from: number,
  documents = DOCUMENTS,
  queueFirst = false,
): Promise<Db> {
  const { ctx: context, settle } = await memoryContext(env);
  // queueFirst: the uploads only queue their jobs, then one run takes them one by one, each commit with more due.
  const ctx = queueFirst ? { ...context, startJob: async () => {} } : context;
  // As in real use, the table starts small (its HNSW index is built over a few chunks), then a bulk load follows.
  await uploadDocument(ctx, {
    index: "notes",
    documentId: `first${from}`,
    files: [text("f.txt", "a first note")],
    tags: {},
    steps: [],
  });
  await settle();
  for (let d = from; d < from + documents; d++) {
    const body = Array.from({ length: SENTENCES }, (_, s) => {
      const i = d * SENTENCES + s;
      return `${WORDS[i % WORDS.length]} and ${WORDS[(i * 7) % WORDS.length]} seen at dawn near pond ${i}.`;
    }).join("\n\n");
    await uploadDocument(ctx, {
      index: "notes",
      documentId: `n${d}`,
      files: [text("n.txt", body)],
      tags: {},
      steps: [],
      args: {
        custom_partitioning_max_tokens_per_paragraph_int: 12,
        custom_partitioning_overlapping_tokens_int: 0,
      },
    });
  }
  await settle();
  if (queueFirst) await runDueJobs(ctx, { budgetMs: 600_000 });
  return ctx.db;
}

/** The scans over memory_chunks the planner chose for the service's vector search. */
async function vectorPlan(db: Db): Promise<string> {
  const [vector] = await createOfflineEmbedder().embed(["otter at dawn"]);
  let plan = "";
  const explaining: Db = {
    ...db,
    query: async (sql, params) => {
      const rows = await db.query<{ "QUERY PLAN": string }>(`explain ${sql}`, params);
      plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      return [];
    },
  };
  await searchChunks(explaining, {
    index: "notes",
    vector: vector!,
    dimensions: 384,
    filters: [],
    minRelevance: 0,
    limit: 10,
    efSearch: 100,
  });
  return plan;
}

/** Planner statistics on a table: rows in pg_stats, how many rows the planner believes, analyses so far. */
async function tableStatistics(db: Db, table = "memory_chunks") {
  const [row] = await db.query<{ columns: number; tuples: number; rows: number; analyses: number }>(
    `select (select count(*)::int from pg_stats where tablename = $1) as columns,
            (select reltuples::int from pg_class where oid = $1::regclass) as tuples,
            (select count(*)::int from ${table}) as rows,
            (select analyze_count::int from pg_stat_user_tables where relname = $1) as analyses`,
    [table],
  );
  return row!;
}

describe("planner statistics after a bulk ingest", () => {
  it("without auto-analysis (the old behaviour) nothing analyzes memory_chunks here", async () => {
    const db = await ingest({ ...poolEnv(), ANALYZE_CHANGED_FRACTION: "0" }, 0);
    const stats = await tableStatistics(db);
    expect(stats.rows).toBeGreaterThan(DOCUMENTS * SENTENCES * 0.9);
    expect(stats).toMatchObject({ columns: 0, analyses: 0 });
  });

  it("with the default, the job runner analyzes the grown tables and the search uses the HNSW index", async () => {
    const db = await ingest(poolEnv(), DOCUMENTS);
    const plan = await vectorPlan(db);
    expect(plan).toMatch(/Index Scan using memory_chunks_hnsw_384/);
    expect(plan).not.toMatch(/Seq Scan on memory_chunks/);
    const stats = await tableStatistics(db);
    expect(stats.rows).toBeGreaterThan(2 * DOCUMENTS * SENTENCES * 0.9);
    expect(stats.columns).toBeGreaterThan(0);
    expect(stats.analyses).toBeGreaterThan(0);
    // The last analysis saw (nearly) every chunk: it ran within the configured fraction of the end.
    expect(stats.tuples).toBeGreaterThanOrEqual(stats.rows / 1.1 - 50);
  });

  it("while more jobs are due, analyzes a table once per doubling, not after every job, and once at the end", async () => {
    const documents = 16;
    const { db, before } = await (async () => {
      const { ctx } = await memoryContext(poolEnv());
      const before = {
        chunks: await tableStatistics(ctx.db, "memory_chunks"),
        terms: await tableStatistics(ctx.db, "memory_terms"),
      };
      return { db: await ingest({ ...poolEnv(), INGEST_BATCH_SIZE: "1" }, 100, documents, true), before };
    })();
    const chunks = await tableStatistics(db, "memory_chunks");
    const terms = await tableStatistics(db, "memory_terms");
    const jobs = documents + 1;
    // Each table has at least doubled since the earlier tests' analyses: one analysis per doubling while busy,
    // one when the queue drains, far below one per job.
    for (const [now, then] of [
      [chunks, before.chunks],
      [terms, before.terms],
    ] as const) {
      const analyses = now.analyses - then.analyses;
      expect(analyses).toBeGreaterThan(0);
      expect(analyses).toBeLessThanOrEqual(Math.ceil(Math.log2(now.rows / Math.max(then.tuples, 1))) + 2);
      expect(analyses).toBeLessThan(jobs / 3);
      expect(now.tuples).toBeGreaterThanOrEqual(now.rows / 1.1 - 50);
    }
  });
});

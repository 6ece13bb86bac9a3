/**
 * The service keeps its own planner statistics current (issue 23; migration 0014, lib/ingest/statistics.ts): after a
 * bulk ingest on a fresh database — this machine's PostgreSQL runs with autovacuum off, so nothing else analyzes —
 * the vector search is planned as an HNSW index scan, not a sort of every chunk. The control half ingests with the
 * auto-analysis turned off and sees the bad plan, so the test shows the problem is real here and can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineEmbedder } from "../../../lib/ai/index.js";
import { closeAllHandles, type Db } from "../../../lib/db/index.js";
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

async function ingest(env: Record<string, string>, from: number, documents = DOCUMENTS): Promise<Db> {
  const { ctx, settle } = await memoryContext(env);
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

/** Planner statistics on memory_chunks: rows in pg_stats, how many rows the planner believes, analyses so far. */
async function chunkStatistics(db: Db) {
  const [row] = await db.query<{ columns: number; tuples: number; chunks: number; analyses: number }>(
    `select (select count(*)::int from pg_stats where tablename = 'memory_chunks') as columns,
            (select reltuples::int from pg_class where oid = 'memory_chunks'::regclass) as tuples,
            (select count(*)::int from memory_chunks) as chunks,
            (select analyze_count::int from pg_stat_user_tables where relname = 'memory_chunks') as analyses`,
  );
  return row!;
}

describe("planner statistics after a bulk ingest", () => {
  it("without auto-analysis (the old behaviour) nothing analyzes memory_chunks here", async () => {
    const db = await ingest({ ...poolEnv(), ANALYZE_CHANGED_FRACTION: "0" }, 0);
    const stats = await chunkStatistics(db);
    expect(stats.chunks).toBeGreaterThan(DOCUMENTS * SENTENCES * 0.9);
    expect(stats).toMatchObject({ columns: 0, analyses: 0 });
  });

  it("with the default, the job runner analyzes the grown tables and the search uses the HNSW index", async () => {
    const db = await ingest(poolEnv(), DOCUMENTS);
    const plan = await vectorPlan(db);
    expect(plan).toMatch(/Index Scan using memory_chunks_hnsw_384/);
    expect(plan).not.toMatch(/Seq Scan on memory_chunks/);
    const stats = await chunkStatistics(db);
    expect(stats.chunks).toBeGreaterThan(2 * DOCUMENTS * SENTENCES * 0.9);
    expect(stats.columns).toBeGreaterThan(0);
    expect(stats.analyses).toBeGreaterThan(0);
    // The last analysis saw (nearly) every chunk: it ran within the configured fraction of the end.
    expect(stats.tuples).toBeGreaterThanOrEqual(stats.chunks / 1.1 - 50);
  });
});

/**
 * Search is one round trip: pgvector's settings travel inside the search statement (no BEGIN, no SETs, no
 * COMMIT), they take effect for that statement's index scan, and nothing leaks to the connection afterwards
 * (what a transaction-mode pooler needs). Real PostgreSQL + pgvector.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, Row } from "../../../lib/db/types.js";
import { migrate } from "../../../lib/migrate/migrate.js";
import { MIGRATIONS } from "../../../lib/migrate/migrations.gen.js";
import { DEFAULT_RANKING, searchChunks } from "../../../lib/store/chunk-search.js";
import { ensureEmbeddingSpace } from "../../../lib/store/embedding-space.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { cteRows, planNodes } from "../../helpers/statement-plan.js";

const D = 8;
const ROWS = 2_000;

/** One pg connection as a Db that records every round trip; `batch` counts as one per statement plus two. */
function countingDb(client: pg.Client) {
  const calls: Array<{ text: string; params?: readonly unknown[] }> = [];
  const run = async (text: string, params?: readonly unknown[]) => {
    calls.push({ text, params });
    return (await client.query(text, params as unknown[])).rows as Row[];
  };
  const db: Db = {
    transport: "pool",
    query: async <T extends Row = Row>(text: string, params?: readonly unknown[]) => (await run(text, params)) as T[],
    batch: async (statements) => {
      await run("begin");
      const results: Row[][] = [];
      for (const s of statements) results.push(await run(s.text, s.params));
      await run("commit");
      return results;
    },
    stats: () => ({ transport: "pool" }),
    close: async () => {},
  };
  return { db, calls };
}

let database: TestDatabase;
let client: pg.Client;
const vector = (i: number) => Array.from({ length: D }, (_, j) => Math.sin(i * 12.9898 + j * 78.233) + 1.5);

/** Index 'rt', document 'd', and `rows` chunks 'chunk <i>' tagged shard:<i mod 10>. */
async function seed(c: pg.Client, rows: number): Promise<void> {
  await c.query("insert into memory_indexes (name) values ('rt')");
  await c.query(
    "insert into memory_documents (index_name, document_id, steps, remaining_steps) values ('rt', 'd', '{}', '{}')",
  );
  await c.query(
    `insert into memory_files (index_name, document_id, file_id, name, content_type, size, sha256)
     select 'rt', 'd', 'f' || i, 'f' || i || '.txt', 'text/plain', 1, 'h' from generate_series(0, 19) i`,
  );
  await c.query(
    `insert into memory_chunks (id, index_name, document_id, file_id, partition_number, section_number, text,
                                content_hash, embedding, tags, tag_list)
     select 'c' || i, 'rt', 'd', 'f' || (i % 20), i, 0, 'chunk ' || i, 'h' || i, e::vector, '{}'::jsonb, array['shard:' || (i % 10)]
       from unnest($1::int[], $2::text[]) as u(i, e)`,
    [Array.from({ length: rows }, (_, i) => i), Array.from({ length: rows }, (_, i) => JSON.stringify(vector(i)))],
  );
}

beforeAll(async () => {
  database = await createTestDatabase("smrt");
  client = new pg.Client({ connectionString: database.url, application_name: "sm-test-rt" });
  await client.connect();
  const { db } = countingDb(client);
  await migrate(db);
  await ensureEmbeddingSpace(db, { id: "test-8", dimensions: D });
  await seed(client, ROWS);
  await client.query("analyze memory_chunks, memory_files");
  // Make the planner take the HNSW index even at this size, as it does at scale.
  await client.query("set enable_seqscan = off");
  await client.query("set enable_bitmapscan = off");
  await client.query("set enable_sort = off");
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe("searchChunks", () => {
  const query = (limit: number, efSearch: number) => ({
    index: "rt",
    vector: vector(ROWS + 7),
    dimensions: D,
    filters: [{ shard: ["3"] }],
    minRelevance: -1,
    limit,
    efSearch,
  });

  it("sends exactly one statement, and a 10%-selective filter still fills the limit through the index", async () => {
    const { db, calls } = countingDb(client);
    const hits = await searchChunks(db, query(30, 40));
    expect(calls).toHaveLength(1);
    expect(hits).toHaveLength(30);
    expect(hits.every((h) => h.tags !== undefined)).toBe(true);
    // The statement's plan scans the HNSW index, so the filled limit is the iterative scan's doing.
    const plan = await client.query(`explain (format json) ${calls[0]!.text}`, calls[0]!.params as unknown[]);
    expect(JSON.stringify(plan.rows)).toContain(`memory_chunks_hnsw_${D}`);
  });

  it("control: the same filtered k-NN without the in-statement settings comes back short (the index scan starves)", async () => {
    const { rows } = await client.query(
      `select id from memory_chunks c where c.index_name = 'rt' and c.tag_list @> array['shard:3']
          and vector_dims(c.embedding) = ${D}
        order by c.embedding::halfvec(${D}) <=> $1::halfvec(${D}) limit 30`,
      [JSON.stringify(vector(ROWS + 7))],
    );
    expect(rows.length).toBeLessThan(30);
  });

  it("vector only: reads its limit from the index and joins the file columns for those rows alone", async () => {
    const { db, calls } = countingDb(client);
    const hits = await searchChunks(db, { ...query(10, 100), filters: [] });
    expect(hits).toHaveLength(10);
    // The planner's own choices (the suite's enable_* overrides off): with the file join inside the k-NN, it
    // hash-joined every chunk the iterative scan yielded (all 2,000 here, up to hnsw.max_scan_tuples at scale)
    // and sorted them.
    await client.query("begin");
    try {
      for (const s of ["enable_seqscan", "enable_bitmapscan", "enable_sort"]) await client.query(`set local ${s} = on`);
      const { rows } = await client.query(
        `explain (analyze, format json) ${calls[0]!.text}`,
        calls[0]!.params as unknown[],
      );
      const scans = planNodes(rows[0]["QUERY PLAN"][0].Plan).filter((n) => n["Relation Name"] === "memory_chunks");
      expect(scans.map((n) => n["Index Name"])).toEqual([`memory_chunks_hnsw_${D}`]);
      expect(scans[0]!["Actual Rows"]).toBeLessThanOrEqual(10);
    } finally {
      await client.query("rollback");
    }
  });

  it("leaves no setting behind on the connection (safe behind a transaction-mode pooler)", async () => {
    const settings = "select current_setting('hnsw.ef_search') as ef, current_setting('hnsw.iterative_scan') as it";
    const before = (await client.query(settings)).rows[0];
    const { db } = countingDb(client);
    await searchChunks(db, query(10, 333));
    const after = (await client.query(settings)).rows[0];
    expect(after).toEqual(before);
    expect(after.ef).not.toBe("333");
  });

  it("hybrid search, query expansion included, is one statement too", async () => {
    const { db, calls } = countingDb(client);
    const hits = await searchChunks(db, { ...query(10, 100), text: "chunk 42" });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.text).toContain("feedback_terms");
    expect(hits.length).toBeGreaterThan(0);
  });
});

describe("query expansion stays bounded", () => {
  const query = (limit: number, efSearch: number) => ({
    index: "rt",
    vector: vector(ROWS + 7),
    dimensions: D,
    filters: [],
    minRelevance: -1,
    limit,
    efSearch,
  });
  it("reads at most the feedback chunks, adds at most the feedback terms, rescores at most the candidates", async () => {
    const { db, calls } = countingDb(client);
    // Every one of the 2,000 chunks holds "chunk": a first pass has far more to offer than the bounds allow.
    await searchChunks(db, {
      ...query(10, 100),
      text: "chunk 42",
      ranking: { ...DEFAULT_RANKING, feedbackDocs: 4, feedbackTerms: 3 },
    });
    const { rows } = await client.query(
      `explain (analyze, format json) ${calls[0]!.text}`,
      calls[0]!.params as unknown[],
    );
    const ctes = cteRows(rows[0]["QUERY PLAN"][0].Plan);
    expect(ctes.get("scored")).toBeGreaterThan(40);
    expect(ctes.get("feedback")).toBe(4);
    expect(ctes.get("feedback_terms")).toBe(3);
    expect(ctes.get("rescored")).toBe(40);
  });

  it("is left out of the statement when switched off", async () => {
    const { db, calls } = countingDb(client);
    await searchChunks(db, { ...query(10, 100), text: "chunk 42", ranking: { ...DEFAULT_RANKING, feedbackDocs: 0 } });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.text).not.toContain("feedback");
  });
});

describe("a vector of another space (a re-embed swapped the space under an instance on the old embedder)", () => {
  it("is left out of hybrid results instead of failing the search on its cast", async () => {
    // Every text candidate of "chunk" is read for its cosine only when it can reach the top; these two are the
    // best text matches (short, the word twice), so the statement reads them.
    await client.query(
      `insert into memory_chunks (id, index_name, document_id, file_id, partition_number, section_number, text,
                                  content_hash, embedding, tags, tag_list)
       values ('other1', 'rt', 'd', 'f0', 9001, 0, 'chunk chunk', 'o1', '[1,2,3,4]', '{}', '{}'),
              ('other2', 'rt', 'd', 'f0', 9002, 0, 'chunk chunk', 'o2', '[4,3,2,1]', '{}', '{}')`,
    );
    try {
      const { db } = countingDb(client);
      for (const exhaustive of [false, true]) {
        const hits = await searchChunks(db, {
          index: "rt",
          vector: vector(3),
          dimensions: D,
          text: "chunk",
          mode: "hybrid",
          filters: [],
          minRelevance: -1,
          limit: 10,
          efSearch: 40,
          exhaustive,
        });
        expect(hits).toHaveLength(10);
        expect(hits.some((h) => h.text === "chunk chunk")).toBe(false);
      }
      // Text mode reads no vector: the chunks are found by their text (best BM25 without expansion, which would
      // lend the numbers of the first pass's chunks).
      const { db: textDb } = countingDb(client);
      const text = await searchChunks(textDb, {
        index: "rt",
        vector: vector(3),
        dimensions: D,
        text: "chunk",
        mode: "text",
        ranking: { ...DEFAULT_RANKING, feedbackDocs: 0 },
        filters: [],
        minRelevance: -1,
        limit: 2,
        efSearch: 40,
      });
      expect(text.map((h) => h.text)).toEqual(["chunk chunk", "chunk chunk"]);
    } finally {
      await client.query("delete from memory_chunks where id in ('other1', 'other2')");
    }
  });
});

describe("migration 0007 on a database made before it", () => {
  it("rebuilds the float32 HNSW index in the halfvec shape under the same name, keeping the rows searchable", async () => {
    const old = await createTestDatabase("smrt7");
    const c = new pg.Client({ connectionString: old.url, application_name: "sm-test-rt" });
    await c.connect();
    try {
      const { db } = countingDb(c);
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.id < "0007"),
      );
      // What ensureEmbeddingSpace created before 0007.
      await c.query(
        "create index memory_chunks_hnsw_8 on memory_chunks using hnsw ((embedding::vector(8)) vector_cosine_ops)",
      );
      await c.query("insert into memory_settings (key, value) values ('embedding', $1)", [
        JSON.stringify({ id: "test-8", dimensions: D }),
      ]);
      await seed(c, 2);
      const result = await migrate(db);
      expect(result.applied[0]).toBe("0007_ingest_fingerprint_halfvec_index");
      const [definition] = (
        await c.query<{ def: string }>("select pg_get_indexdef('memory_chunks_hnsw_8'::regclass) as def")
      ).rows;
      expect(definition!.def).toContain("halfvec_cosine_ops");
      expect(definition!.def).toContain("m='24'");
      await ensureEmbeddingSpace(db, { id: "test-8", dimensions: D });
      const hits = await searchChunks(db, {
        index: "rt",
        vector: vector(1),
        dimensions: D,
        filters: [],
        minRelevance: 0.99,
        limit: 1,
        efSearch: 40,
      });
      expect(hits.map((h) => h.text)).toEqual(["chunk 1"]);
    } finally {
      await c.end();
      await old.drop();
    }
  });
});

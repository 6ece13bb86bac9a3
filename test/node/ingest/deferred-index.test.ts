/**
 * First-time bulk ingest defers the HNSW index (lib/store/embedding-space.ts): while memory_chunks is empty the
 * index is dropped, and once no ingestion job is running or due it is built over everything loaded, valid and
 * used by search. A table that holds chunks keeps its index; a deferral left behind by a crash is finished by
 * the start-up check. Every build runs with VECTOR_INDEX_BUILD_MEMORY as its maintenance_work_mem (seen by an
 * event trigger on CREATE INDEX, inside the building transaction). Real PostgreSQL through the Neon Pool.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllHandles } from "../../../lib/db/index.js";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { searchMemory } from "../../../lib/memory/search.js";
import { DEFAULT_STEPS, type MemoryContext } from "../../../lib/memory/types.js";
import {
  buildDeferredVectorIndex,
  deferVectorIndexWhileEmpty,
  ensureEmbeddingSpace,
  indexedDistance,
} from "../../../lib/store/embedding-space.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase, withAdmin } from "../../helpers/database.js";
import { memoryContext, text } from "../../helpers/memory.js";

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let ctx: MemoryContext;
let settle: () => Promise<void>;
const INDEX = "memory_chunks_hnsw_384";
const BUILD_MEMORY = "96MB";

/** maintenance_work_mem of each build of the vector index since the test began, oldest first. */
async function buildMemories(): Promise<string[]> {
  const rows = await ctx.db.query<{ memory: string }>("select memory from index_builds where name = $1 order by at", [
    `public.${INDEX}`,
  ]);
  return rows.map((r) => r.memory);
}

beforeAll(async () => {
  database = await createTestDatabase("smdefer");
  proxy = await startNeonProxy();
  ({ ctx, settle } = await memoryContext({
    DATABASE_URL: database.url,
    DB_TRANSPORT: "pool",
    NEON_LOCAL_PROXY: proxy.address,
    DB_APPLICATION_NAME: "smt-deferred-index",
    // Not PostgreSQL's default (64MB), so a build that ignored it would show.
    VECTOR_INDEX_BUILD_MEMORY: BUILD_MEMORY,
  }));
  // What the server itself sees while it creates an index: the setting in force inside that transaction.
  await withAdmin(async (c) => {
    await c.query("create table index_builds (at serial, name text, memory text)");
    await c.query(`create function record_index_build() returns event_trigger language plpgsql as $$
                   begin
                     insert into index_builds (name, memory)
                       select object_identity, current_setting('maintenance_work_mem')
                         from pg_event_trigger_ddl_commands() where command_tag = 'CREATE INDEX';
                   end $$`);
    await c.query(`create event trigger record_index_builds on ddl_command_end when tag in ('CREATE INDEX')
                   execute function record_index_build()`);
  }, database.name);
});

afterAll(async () => {
  await closeAllHandles();
  await proxy?.close();
  await database?.drop();
});

async function indexState() {
  const [row] = await ctx.db.query<{ exists: boolean; valid: boolean; deferred: boolean }>(
    `select to_regclass($1) is not null as exists,
            coalesce((select indisvalid and indisready from pg_index where indexrelid = to_regclass($1)), false) as valid,
            exists (select 1 from memory_settings where key = 'vector_index_deferred') as deferred`,
    [INDEX],
  );
  return row!;
}

async function indexOid(): Promise<string> {
  const [row] = await ctx.db.query<{ oid: string }>("select to_regclass($1)::oid::text as oid", [INDEX]);
  return row!.oid;
}

const topics = ["herons wade", "kestrels hover", "otters dive", "badgers dig", "swifts scream", "moles tunnel"];

describe("first-time bulk ingest", () => {
  it("starts with the index in place (migrations and start-up made it)", async () => {
    expect(await indexState()).toEqual({ exists: true, valid: true, deferred: false });
  });

  it("defers the index while the table is empty and builds it, valid, once the queue drains", async () => {
    const before = await indexOid();
    for (const [i, topic] of topics.entries()) {
      await uploadDocument(ctx, {
        index: "bulk",
        documentId: `doc-${i}`,
        files: [text(`doc-${i}.txt`, `${topic} in the evening. `.repeat(300))],
        tags: {},
        steps: [...DEFAULT_STEPS],
      });
    }
    await settle();
    const [{ chunks }] = (await ctx.db.query<{ chunks: number }>(
      "select count(*)::int as chunks from memory_chunks",
    )) as [{ chunks: number }];
    expect(chunks).toBeGreaterThanOrEqual(topics.length);
    expect(await indexState()).toEqual({ exists: true, valid: true, deferred: false });
    // The first job found the table empty and dropped the index; the last one built it anew, with the memory
    // the configuration gives index builds.
    expect(await indexOid()).not.toBe(before);
    expect(await buildMemories()).toEqual([BUILD_MEMORY]);

    // The rebuilt index covers every row and serves the search expression.
    const plan = await ctx.db
      .batch([
        { text: "set local enable_seqscan = off" },
        {
          text: `explain (format json) select id from memory_chunks where vector_dims(embedding) = 384
                order by ${indexedDistance(384, "embedding", "$1::vector")} limit 5`,
          params: [JSON.stringify(Array.from({ length: 384 }, (_, i) => (i === 1 ? 1 : 0)))],
        },
      ])
      .then((r) => r[1]);
    expect(JSON.stringify(plan)).toContain(`"Index Name":"${INDEX}"`);
    const found = await searchMemory(ctx, {
      index: "bulk",
      query: "otters dive",
      filters: [],
      minRelevance: 0,
      limit: 3,
    });
    expect(found.results[0]?.documentId).toBe("doc-2");
  }, 120_000);

  it("never drops the index of a table that holds chunks", async () => {
    expect(await deferVectorIndexWhileEmpty(ctx.db, 384)).toEqual({ filled: true });
    expect(await indexState()).toEqual({ exists: true, valid: true, deferred: false });
  });

  it("does not build while an ingestion job is still due, and a deferral left by a crash is finished on start", async () => {
    await ctx.db.query("delete from memory_chunks");
    expect(await deferVectorIndexWhileEmpty(ctx.db, 384)).toEqual({ filled: false });
    expect(await indexState()).toEqual({ exists: false, valid: false, deferred: true });

    // A job still due holds the build back.
    await ctx.db.query(
      `insert into memory_jobs (index_name, document_id, generation, state, run_after)
       values ('bulk', 'doc-0', 999, 'queued', now() - interval '1 second')`,
    );
    expect(await buildDeferredVectorIndex(ctx.db, 384)).toEqual({ built: false });
    expect((await indexState()).deferred).toBe(true);

    // The process died before the queue drained: the next start builds the index and clears the deferral.
    await ensureEmbeddingSpace(ctx.db, ctx.embedder, ctx.config.VECTOR_INDEX_BUILD_MEMORY);
    expect(await indexState()).toEqual({ exists: true, valid: true, deferred: false });
    expect(await buildMemories()).toEqual([BUILD_MEMORY, BUILD_MEMORY]);
  });
});

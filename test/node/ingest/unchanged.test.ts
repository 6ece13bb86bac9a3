/**
 * An upload of exactly what a completed document was ingested from is a no-op: one read, no writes, no job, no
 * extraction, no embedding. Anything the stored chunks depend on (bytes, tags, steps, arguments) makes it a
 * normal re-ingest, and so does a failed or unfinished document. Real PostgreSQL through the Neon Pool.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllHandles, type Db } from "../../../lib/db/index.js";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { getUploadStatus } from "../../../lib/memory/status.js";
import { DEFAULT_STEPS, type MemoryContext, type PipelineStep } from "../../../lib/memory/types.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { type CountingEmbedder, memoryContext, text } from "../../helpers/memory.js";

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let ctx: MemoryContext;
let embedder: CountingEmbedder;
let settle: () => Promise<void>;
const statements: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase("smunch");
  proxy = await startNeonProxy();
  ({ ctx, embedder, settle } = await memoryContext({
    DATABASE_URL: database.url,
    DB_TRANSPORT: "pool",
    NEON_LOCAL_PROXY: proxy.address,
    DB_APPLICATION_NAME: "smt-unchanged",
  }));
  // Every statement the service sends, so "no writes" is what was sent, not what was inferred.
  const db = ctx.db;
  const recording: Db = {
    ...db,
    transport: db.transport,
    query: (sql, params) => {
      statements.push(sql);
      return db.query(sql, params);
    },
    batch: (batch) => {
      statements.push(...batch.map((s) => s.text));
      return db.batch(batch);
    },
  };
  ctx = { ...ctx, db: recording };
});

afterAll(async () => {
  await closeAllHandles();
  await proxy?.close();
  await database?.drop();
});

const body = "Herons stand still in shallow water. ".repeat(200);
type Upload = { tags?: Record<string, string[]>; body?: string; args?: Record<string, unknown>; steps?: string[] };

async function upload(documentId: string, u: Upload = {}) {
  statements.length = 0;
  const before = embedder.calls;
  await uploadDocument(ctx, {
    index: "unchanged",
    documentId,
    files: [text("notes.txt", u.body ?? body)],
    tags: u.tags ?? { team: ["birds"] },
    steps: (u.steps ?? [...DEFAULT_STEPS]) as PipelineStep[],
    ...(u.args ? { args: u.args } : {}),
  });
  await settle();
  const sent = statements.slice();
  const [row] = (await ctx.db.query(
    `select generation::int as generation, last_update,
            (select count(*)::int from memory_jobs j where j.index_name = d.index_name and j.document_id = d.document_id) as jobs
       from memory_documents d where index_name = 'unchanged' and document_id = $1`,
    [documentId],
  )) as [{ generation: number; last_update: Date; jobs: number }];
  return { ...row, sent, embedCalls: embedder.calls - before };
}

const writes = (sent: string[]) => sent.filter((s) => /^\s*(insert|update|delete|with)\b/i.test(s));

describe("re-uploading a completed document", () => {
  it("with the same bytes, tags, steps and arguments: one read, no writes, no job, no embedding", async () => {
    const first = await upload("same");
    expect(first.generation).toBe(1);
    expect(writes(first.sent).length).toBeGreaterThan(0);
    expect((await getUploadStatus(ctx, "unchanged", "same"))?.completed).toBe(true);

    const again = await upload("same", { tags: { team: ["birds"] } });
    expect(again.sent, again.sent.join("\n---\n")).toHaveLength(1);
    expect(writes(again.sent)).toEqual([]);
    expect(again.embedCalls).toBe(0);
    expect(again).toMatchObject({ generation: 1, jobs: first.jobs, last_update: first.last_update });
    expect((await getUploadStatus(ctx, "unchanged", "same"))?.completed).toBe(true);
  });

  it.each([
    ["different bytes", { body: `${body} And one more sentence.` }],
    ["different tags", { tags: { team: ["fish"] } }],
    ["different partitioning arguments", { args: { custom_partitioning_max_tokens_per_paragraph: 300 } }],
    ["fewer steps", { steps: ["extract", "partition"] }],
  ] as Array<[string, Upload]>)("with %s: ingested again", async (_label, change) => {
    const id = `changed-${_label.replace(/\W+/g, "-")}`;
    await upload(id);
    const again = await upload(id, change);
    expect(again.generation).toBe(2);
    expect(again.jobs).toBe(2);
    expect(writes(again.sent).length).toBeGreaterThan(0);
  });

  it("a failed document is ingested again even when nothing changed", async () => {
    await upload("failed");
    await ctx.db.query(
      "update memory_documents set failed = true, error = '{}'::jsonb where index_name = 'unchanged' and document_id = 'failed'",
    );
    const again = await upload("failed");
    expect(again.generation).toBe(2);
    expect((await getUploadStatus(ctx, "unchanged", "failed"))?.completed).toBe(true);
  });
});

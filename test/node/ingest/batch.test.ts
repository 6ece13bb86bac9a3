/**
 * The runner's batch path: due jobs claimed together run as one batch (one embedding call for all of them), and
 * each document keeps its own outcome: a corrupt file in the batch fails its document alone, with its own error,
 * while the others complete. Real PostgreSQL through the Neon Pool.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllHandles } from "../../../lib/db/index.js";
import type { IngestContext } from "../../../lib/ingest/isolation.js";
import { runDueJobs } from "../../../lib/ingest/runner.js";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { getUploadStatus } from "../../../lib/memory/status.js";
import { claimDueJobs } from "../../../lib/store/job-store.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { type CountingEmbedder, memoryContext, text } from "../../helpers/memory.js";

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let ctx: IngestContext;
let embedder: CountingEmbedder;

beforeAll(async () => {
  database = await createTestDatabase("smbatch");
  proxy = await startNeonProxy();
  ({ ctx, embedder } = await memoryContext({
    DATABASE_URL: database.url,
    DB_TRANSPORT: "pool",
    NEON_LOCAL_PROXY: proxy.address,
    DB_APPLICATION_NAME: "smt-batch",
    INGEST_BATCH_SIZE: "16",
  }));
  // The jobs wait for the runner: nothing starts them at upload.
  ctx = { ...ctx, startJob: async () => undefined };
});

afterAll(async () => {
  await closeAllHandles();
  await proxy?.close();
  await database?.drop();
});

const upload = (documentId: string, file: { name: string; bytes: Uint8Array }) =>
  uploadDocument(ctx, { index: "batch", documentId, files: [file], tags: { kind: ["t"] }, steps: [] });

describe("batch ingestion", () => {
  it("runs due jobs as one batch, and a poisoned document fails alone with its own error", async () => {
    const good = Array.from({ length: 9 }, (_, i) => `doc-${i}`);
    for (const [i, id] of good.entries()) await upload(id, text("note.txt", `Abstract ${i}: herons and egrets wade.`));
    await upload("bad", { name: "broken.pdf", bytes: new TextEncoder().encode("%PDF-1.7 not really a pdf") });
    const before = embedder.calls;

    const report = await runDueJobs(ctx, { budgetMs: 60_000 });

    expect(report).toMatchObject({ claimed: 10, completed: 9, failed: 1, retried: 0 });
    // All nine good documents' chunks went to the embedder in one call.
    expect(embedder.calls - before).toBe(1);
    for (const id of good) {
      const status = await getUploadStatus(ctx, "batch", id);
      expect(status).toMatchObject({ completed: true, failed: false, remaining_steps: [] });
    }
    const bad = await getUploadStatus(ctx, "batch", "bad");
    expect(bad).toMatchObject({ completed: false, failed: true });
    expect(bad.error?.step).toBe("extract");
    expect(bad.error?.message).toMatch(/broken\.pdf|pdf/i);
    const [row] = await ctx.db.query<{ n: number; tagged: number }>(
      `select count(*)::int as n, count(*) filter (where tag_list @> array['kind:t', '__document_id:doc-3'])::int as tagged
         from memory_chunks where index_name = 'batch'`,
    );
    expect(row).toEqual({ n: 9, tagged: 1 });
  });

  it("a re-upload in the same batch window replaces the document; the stale job changes nothing", async () => {
    await upload("again", text("a.txt", "First version about cranes."));
    await upload("again", text("a.txt", "Second version about storks."));
    const report = await runDueJobs(ctx, { budgetMs: 60_000 });
    expect(report.failed).toBe(0);
    const rows = await ctx.db.query<{ text: string }>(
      "select text from memory_chunks where index_name = 'batch' and document_id = 'again'",
    );
    expect(rows.map((r) => r.text)).toEqual([expect.stringContaining("storks")]);
  });

  it("never claims a job tried before beside others: a run that died costs its batch mates one attempt, no more", async () => {
    for (const id of ["f1", "f2", "tried"]) await upload(id, text("n.txt", `Note ${id} on ibises.`));
    // "tried": its earlier run left no outcome (the process died), its lease is over.
    await ctx.db.query(
      "update memory_jobs set attempts = 1 where index_name = 'batch' and document_id = 'tried' and state = 'queued'",
    );
    const fresh = await claimDueJobs(ctx.db, "probe", 10, 30, { fresh: true });
    expect(fresh.map((j) => j.documentId).sort()).toEqual(["f1", "f2"]);
    const [alone] = await claimDueJobs(ctx.db, "probe", 10, 30, { fresh: true }).then(async (none) => {
      expect(none).toEqual([]);
      return claimDueJobs(ctx.db, "probe", 1, 30);
    });
    expect(alone).toMatchObject({ documentId: "tried", attempts: 2 });
  });
});

/**
 * The durable ingestion queue against the real PostgreSQL: overlapping runs
 * process each job exactly once within the pool bound; a run that dies or a
 * step that throws is finished by a later run with exactly the chunks of a
 * clean run; poison input fails readably without blocking others.
 */

import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { Embedder } from "../../../lib/ai/types.js";
import type { IngestContext } from "../../../lib/ingest/isolation.js";
import { runDueJobs } from "../../../lib/ingest/runner.js";
import { runScheduled } from "../../../lib/jobs/scheduled.js";
import { getUploadStatus } from "../../../lib/memory/status.js";
import { claimDueJobs, countJobs } from "../../../lib/store/job-store.js";
import { sampleBackends, urlFor } from "../../helpers/database.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { useMemoryStack } from "../../helpers/memory-stack.js";
import { testRuntime } from "../../helpers/runtime.js";

const POOL_MAX = 4;
const APP = "smt-jobs";
let ctx: IngestContext;
let env: Record<string, string>;
const stack = useMemoryStack("smjobs", {
  DB_POOL_MAX: String(POOL_MAX),
  DB_APPLICATION_NAME: APP,
  JOB_LEASE_SECONDS: "1",
  JOB_RETRY_BASE_SECONDS: "0",
  DB_RETRY_BUDGET_MS: "8000",
  LOG_LEVEL: "error",
});

beforeAll(() => {
  ({ ctx, env } = stack);
});

const enqueue = (index: string, documentId: string, body: string, name = "doc.txt") =>
  enqueueFile(ctx.db, { index, documentId }, { name, contentType: "text/plain", body });

const chunksOf = (index: string, documentId: string) =>
  ctx.db.query<{ partition_number: number; text: string; content_hash: string; embedding: string }>(
    `select partition_number, text, content_hash, embedding::text as embedding from memory_chunks
      where index_name = $1 and document_id = $2 order by partition_number`,
    [index, documentId],
  );

const longText = (seed: string) =>
  Array.from({ length: 8 }, (_, i) => `Section ${i} on ${seed}. ${"Lorem ipsum dolor sit amet. ".repeat(60)}`).join(
    "\n\n",
  );

function withEmbedder(embedder: Embedder): IngestContext {
  return { ...ctx, embedder };
}

describe("job queue", () => {
  it("4 overlapping runs over 50 queued jobs process every job exactly once, within the pool bound", async () => {
    for (let i = 0; i < 50; i++) await enqueue("overlap", `doc-${i}`, `Document number ${i} talks about topic ${i}.`);
    const admin = new pg.Client({ connectionString: urlFor("postgres") });
    await admin.connect();
    const sampler = sampleBackends(admin, APP);
    let embedCalls = 0;
    const counted: Embedder = {
      ...ctx.embedder,
      embed: async (texts) => {
        embedCalls++;
        return ctx.embedder.embed(texts);
      },
    };
    const started = Date.now();
    // Batches of 5, so the four runs share the 50 jobs (one run would otherwise claim them all at once).
    const batched = { ...withEmbedder(counted), config: { ...ctx.config, INGEST_BATCH_SIZE: 5 } };
    const reports = await Promise.all(
      Array.from({ length: 4 }, (_, i) => runDueJobs(batched, { owner: `overlap-${i}`, budgetMs: 60_000 })),
    );
    const elapsed = Date.now() - started;
    const { peak } = await sampler.stop();
    await admin.end();

    expect(reports.reduce((n, r) => n + r.completed, 0)).toBe(50);
    expect(reports.reduce((n, r) => n + r.claimed, 0)).toBe(50);
    expect(reports.filter((r) => r.claimed > 0).length).toBeGreaterThan(1);
    // One embedding call per batch: at least 50 / 5, never one per document.
    expect(embedCalls).toBeGreaterThanOrEqual(10);
    expect(embedCalls).toBeLessThan(50);
    const jobs = await ctx.db.query<{ state: string; attempts: number }>(
      "select state, attempts from memory_jobs where index_name = 'overlap'",
    );
    expect(jobs).toHaveLength(50);
    expect(jobs.every((j) => j.state === "done" && j.attempts === 1)).toBe(true);
    const [{ n }] = (await ctx.db.query(
      "select count(*)::int as n from memory_chunks where index_name = 'overlap'",
    )) as [{ n: number }];
    expect(n).toBe(50);
    expect(peak).toBeLessThanOrEqual(POOL_MAX);
    console.log(
      `[measured] 4 overlapping runs: 50 jobs in ${elapsed} ms (${((50 * 1000) / elapsed).toFixed(1)} jobs/s), ` +
        `duplicates 0, peak backends ${peak}/${POOL_MAX}, per-run claims ${reports.map((r) => r.claimed).join("/")}`,
    );
  });

  it("a run that died mid-job is taken over after its lease expires, with exactly a clean run's chunks", async () => {
    const body = longText("herons");
    await enqueue("clean", "doc", body);
    await runDueJobs(ctx, { budgetMs: 30_000 });
    const clean = await chunksOf("clean", "doc");
    expect(clean.length).toBeGreaterThan(3);

    await enqueue("crash", "doc", body);
    // A run claims the job and dies while embedding (its promise never settles).
    const hanging: Embedder = { ...ctx.embedder, embed: () => new Promise<number[][]>(() => {}) };
    const [claimed] = await claimDueJobs(ctx.db, "dead-run", 1, 1);
    expect(claimed?.documentId).toBe("doc");
    const { processDocument } = await import("../../../lib/ingest/pipeline.js");
    void processDocument(withEmbedder(hanging), claimed!);
    await new Promise((r) => setTimeout(r, 200));
    const during = await getUploadStatus(ctx, "crash", "doc");
    expect(during.completed).toBe(false);
    expect(during.completed_steps).toEqual(["extract", "partition"]);

    expect((await runDueJobs(ctx, { budgetMs: 5_000 })).claimed).toBe(0); // lease still held
    await new Promise((r) => setTimeout(r, 1_200));
    const takeover = await runDueJobs(ctx, { budgetMs: 30_000 });
    expect(takeover.completed).toBe(1);
    const status = await getUploadStatus(ctx, "crash", "doc");
    expect(status).toMatchObject({ completed: true, failed: false, remaining_steps: [] });
    const resumed = await chunksOf("crash", "doc");
    expect(
      resumed.map(({ partition_number, text, content_hash, embedding }) => [
        partition_number,
        text,
        content_hash,
        embedding,
      ]),
    ).toEqual(
      clean.map(({ partition_number, text, content_hash, embedding }) => [
        partition_number,
        text,
        content_hash,
        embedding,
      ]),
    );
  });

  it("a step that throws is retried with backoff and ends with exactly a clean run's chunks", async () => {
    const body = longText("kingfishers");
    await enqueue("flaky", "doc", body);
    let failures = 1;
    const flaky: Embedder = {
      ...ctx.embedder,
      embed: async (texts) => {
        if (failures-- > 0)
          throw Object.assign(new Error("embedding service returned 503"), { name: "EmbeddingFailed" });
        return ctx.embedder.embed(texts);
      },
    };
    const first = await runDueJobs(withEmbedder(flaky), { budgetMs: 30_000, maxJobs: 1 });
    expect(first.retried).toBe(1);
    const second = await runDueJobs(withEmbedder(flaky), { budgetMs: 30_000 });
    expect(second.completed).toBe(1);
    await enqueue("flaky-clean", "doc", body);
    await runDueJobs(ctx, { budgetMs: 30_000 });
    const strip = (rows: Awaited<ReturnType<typeof chunksOf>>) =>
      rows.map((r) => [r.partition_number, r.text, r.embedding]);
    expect(strip(await chunksOf("flaky", "doc"))).toEqual(strip(await chunksOf("flaky-clean", "doc")));
    const [job] = await ctx.db.query<{ attempts: number; state: string }>(
      "select attempts, state from memory_jobs where index_name = 'flaky'",
    );
    expect(job).toEqual({ attempts: 2, state: "done" });
  });

  it("poison input fails after its attempts with a readable error and never blocks other jobs", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.4\n%corrupt, truncated");
    await enqueueFile(
      ctx.db,
      { index: "poison", documentId: "bad" },
      { name: "bad.pdf", contentType: "application/pdf", body: pdf },
    );
    await enqueue("poison", "good", "A perfectly fine document.");
    const report = await runDueJobs(ctx, { budgetMs: 30_000 });
    expect(report).toMatchObject({ failed: 1, completed: 1 });
    const bad = await getUploadStatus(ctx, "poison", "bad");
    expect(bad).toMatchObject({ completed: false, failed: true, error: { step: "extract" } });
    expect(bad.error!.message).toMatch(/bad\.pdf.*not a valid PDF/);
    expect((await getUploadStatus(ctx, "poison", "good")).completed).toBe(true);
    expect((await countJobs(ctx.db)).failed).toBeGreaterThanOrEqual(1);
  });

  it("a cron tick runs due jobs through the same services and logs its report", async () => {
    await enqueue("cron", "doc", "Queued for the cron tick.");
    const run = await runScheduled({ runtime: testRuntime, env, cron: "* * * * *", budgetMs: 30_000 });
    expect(run.task).toBe("jobs");
    expect(run.jobs).toMatchObject({ claimed: 1, completed: 1 });
    expect((await getUploadStatus(ctx, "cron", "doc")).completed).toBe(true);
  });
});

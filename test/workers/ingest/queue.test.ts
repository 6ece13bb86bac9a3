/**
 * Ingestion through Cloudflare Queues, inside workerd: uploads accepted by the
 * API Worker's module are sent to `INGEST_QUEUE`; miniflare delivers them to
 * this project's main Worker, the ingestion Worker, whose consumer claims each
 * job with the same lease as cron. Every job must be processed exactly once;
 * a delivery that dies mid-job is redelivered after its lease and leaves one
 * set of chunks; a message the queue gives up on fails its job.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import ingestWorker from "../../../functions/ingest-worker.js";
import type { Db } from "../../../lib/db/index.js";
import { servicesFor } from "../../../lib/runtime/services.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { kmMultipart } from "../../helpers/km-multipart.js";
import { workerdRuntime } from "../runtime.js";
import { apiModule } from "../worker-api.js";

const services = () => servicesFor(env as unknown as Record<string, unknown>, workerdRuntime);

type JobRow = { document_id: string; state: string; attempts: number; lease_owner: string | null };

async function upload(index: string, documentId: string, text: string): Promise<void> {
  const { body, contentType } = kmMultipart({ index, documentId, files: [{ name: "notes.txt", bytes: text }] });
  const res = await apiModule("/upload", { method: "POST", body, headers: { "content-type": contentType } });
  expect(res.status).toBe(202);
}

async function jobsOf(db: Db, index: string): Promise<JobRow[]> {
  return db.query<JobRow>(
    "select document_id, state, attempts, lease_owner from memory_jobs where index_name = $1 order by document_id",
    [index],
  );
}

async function waitForJobs(db: Db, index: string, count: number, timeoutMs = 60_000): Promise<JobRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await jobsOf(db, index);
    if (jobs.length === count && jobs.every((j) => j.state === "done" || j.state === "failed")) return jobs;
    if (Date.now() > deadline) throw new Error(`jobs not settled: ${JSON.stringify(jobs.slice(0, 5))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Chunks per document, and how many of them repeat a (file, partition) pair: a second set would. */
async function chunkSets(db: Db, index: string) {
  return db.query<{ document_id: string; chunks: number; distinct_partitions: number }>(
    `select document_id, count(*)::int as chunks, count(distinct (file_id, partition_number))::int as distinct_partitions
       from memory_chunks where index_name = $1 group by document_id order by document_id`,
    [index],
  );
}

describe("workerd: ingestion through the queue", () => {
  it("consumes 50 uploads, each processed exactly once by the queue consumer", async () => {
    const db = services().db;
    await services().ready();
    const index = "queue-fifty";
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        upload(index, `doc-${String(i).padStart(2, "0")}`, `Document ${i} on queued ingestion. `.repeat(20)),
      ),
    );
    const jobs = await waitForJobs(db, index, 50);
    expect(jobs.map((j) => j.state)).toEqual(jobs.map(() => "done"));
    // One claim each, by a queue delivery (cron never ran here; the API Worker runs no jobs).
    expect(jobs.map((j) => j.attempts)).toEqual(jobs.map(() => 1));
    expect(jobs.every((j) => j.lease_owner?.startsWith("queue-"))).toBe(true);
    const sets = await chunkSets(db, index);
    expect(sets).toHaveLength(50);
    for (const s of sets) expect(s.chunks).toBe(s.distinct_partitions);
  });

  it("redelivers a job whose consumer died mid-job and ends with exactly one set of chunks", async () => {
    const db = services().db;
    await services().ready();
    const index = "queue-crash";
    // The consumer runs in this isolate on the same handle: make its first "job done" write fail, after the
    // chunks were written, as if the invocation died there. The lease (2 s here) then expires and the queue
    // redelivers the message.
    const original = db.query.bind(db);
    let crashes = 0;
    db.query = (async (text: string, params?: readonly unknown[]) => {
      if (crashes === 0 && text.includes("set state = 'done'")) {
        crashes++;
        throw new Error("simulated crash of the consumer mid-job");
      }
      return original(text, params);
    }) as Db["query"];
    try {
      await upload(index, "crashy", "A document whose first ingestion run dies before it is marked done. ".repeat(30));
      const [job] = await waitForJobs(db, index, 1);
      expect(crashes).toBe(1);
      expect(job).toMatchObject({ state: "done", attempts: 2 });
    } finally {
      db.query = original as Db["query"];
    }
    const [set] = await chunkSets(db, index);
    expect(set!.chunks).toBeGreaterThan(0);
    expect(set!.chunks).toBe(set!.distinct_partitions);
    const status = await (await apiModule(`/upload-status?index=${index}&documentId=crashy`)).json();
    expect(status).toMatchObject({ completed: true, failed: false });
  });

  it("fails the job of a dead-lettered message, and leaves a finished one alone", async () => {
    const db = services().db;
    await services().ready();
    const index = "queue-dlq";
    const stuck = await enqueueFile(
      db,
      { index, documentId: "stuck" },
      { name: "a.txt", contentType: "text/plain", body: "never ingested" },
    );
    const message = (jobId: string, documentId: string) => ({
      id: `m-${jobId}`,
      timestamp: new Date(),
      attempts: 11,
      body: { jobId, index, documentId },
    });
    const batch = createMessageBatch("serverless-memory-ingest-dlq", [
      message(stuck.jobId, "stuck"),
      { id: "junk", timestamp: new Date(), attempts: 1, body: { jobId: "1; drop table memory_jobs" } },
    ]);
    const ctx = createExecutionContext();
    await ingestWorker.queue(batch, env as never, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["junk", `m-${stuck.jobId}`].sort());
    expect(result.retryMessages).toEqual([]);
    const [job] = await jobsOf(db, index);
    expect(job!.state).toBe("failed");
    const status = await (await apiModule(`/upload-status?index=${index}&documentId=stuck`)).json();
    expect(status).toMatchObject({ completed: false, failed: true, error: { step: "queue" } });
  });
});

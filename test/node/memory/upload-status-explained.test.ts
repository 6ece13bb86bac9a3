/**
 * `GET /upload-status` says why a document is not done: the job's attempts,
 * last error, next retry time or lease expiry and the current step — while
 * every field Kernel Memory's client reads keeps its name and type.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUploadStatus } from "../../../lib/memory/status.js";
import type { MemoryContext } from "../../../lib/memory/types.js";
import { claimDueJobs } from "../../../lib/store/job-store.js";
import { type ApiServer, startApiServer, uploadKm, waitForIngestion } from "../../helpers/api.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { useMemoryStack } from "../../helpers/memory-stack.js";

let api: ApiServer;
let ctx: MemoryContext;
const stack = useMemoryStack("smstatus", { DB_APPLICATION_NAME: "smt-status", LOG_LEVEL: "error" });

beforeAll(async () => {
  ({ ctx } = stack);
  // An unreachable page is retried; a long backoff keeps the retry pending while the test looks at it.
  api = await startApiServer({ SOURCE_ALLOW_PRIVATE: "true", JOB_RETRY_BASE_SECONDS: "600" });
});

afterAll(async () => {
  await api?.close();
});

/** The keys and types KM's .NET client deserialises (case-sensitive; a wrong type throws). */
function expectKmShape(status: Record<string, unknown>) {
  for (const key of ["completed", "failed", "empty"]) expect(typeof status[key], key).toBe("boolean");
  for (const key of ["index", "document_id", "creation", "last_update"]) expect(typeof status[key], key).toBe("string");
  for (const key of ["steps", "remaining_steps", "completed_steps"]) expect(Array.isArray(status[key]), key).toBe(true);
  expect(typeof status.tags).toBe("object");
}

async function statusOf(index: string, documentId: string) {
  const res = await api.call(`/upload-status?index=${index}&documentId=${documentId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown> & { processing: Record<string, unknown>; explanation: string };
}

describe("a URL import retrying an unreachable host", () => {
  it("shows the attempt, the error, the step and when it will try again", async () => {
    const res = await api.postJson("/upload", { index: "why", documentId: "dead-link", url: "http://127.0.0.1:9/" });
    expect(res.status).toBe(202);
    let status = await statusOf("why", "dead-link");
    // Queued (attempt 0) until claimed, then it runs (state running, under a lease), then waits out its backoff:
    // queued again, with one attempt spent.
    const waitingOutBackoff = () => status.processing?.state === "queued" && Number(status.processing?.attempts) > 0;
    for (let i = 0; i < 200 && !waitingOutBackoff(); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await statusOf("why", "dead-link");
    }
    expectKmShape(status);
    expect(status).toMatchObject({ completed: false, failed: false });
    expect(status.processing).toMatchObject({
      state: "queued",
      current_step: "extract",
      attempts: 1,
      max_attempts: 5,
      lease_expires_at: null,
    });
    expect(String(status.processing.last_error)).not.toBe("");
    const next = Date.parse(String(status.processing.next_attempt_at));
    // Backoff with base 600 s after one attempt: between 300 and 600 s from now.
    expect(next).toBeGreaterThan(Date.now() + 200_000);
    expect(next).toBeLessThan(Date.now() + 700_000);
    expect(status.explanation).toContain("Attempt 1 of 5 failed at step extract");
    expect(status.explanation).toContain(String(status.processing.last_error));
    expect(status.explanation).toContain(String(status.processing.next_attempt_at));
  });
});

describe("a document held by a run that died (a restart)", () => {
  it("shows the running step and when its lease expires", async () => {
    await enqueueFile(
      ctx.db,
      { index: "lease", documentId: "held" },
      { name: "a.txt", contentType: "text/plain", body: "Held." },
    );
    const [job] = await claimDueJobs(ctx.db, "dead-process", 1, 120);
    expect(job?.documentId).toBe("held");
    const status = await getUploadStatus(ctx, "lease", "held");
    expectKmShape(status as unknown as Record<string, unknown>);
    expect(status.processing).toMatchObject({
      state: "running",
      current_step: "extract",
      attempts: 1,
      next_attempt_at: null,
    });
    const lease = Date.parse(String(status.processing?.lease_expires_at));
    expect(lease).toBeGreaterThan(Date.now() + 60_000);
    expect(status.explanation).toContain("lease expires at");
    expect(status.explanation).toContain("step extract");
  });
});

describe("finished documents", () => {
  it("a completed document says it is ready", async () => {
    await uploadKm(api, {
      index: "why",
      documentId: "fine",
      files: [{ name: "a.txt", bytes: "Deploys go out on Tuesdays." }],
    });
    await waitForIngestion(api, "why", "fine");
    const status = await statusOf("why", "fine");
    expectKmShape(status);
    // A ready document costs one statement: its job is not read.
    expect(status.processing).toBeNull();
    expect(status.explanation).toBe("Completed: ready to search.");
  });

  it("a failed document names the step, the attempts and the error", async () => {
    // Bytes that claim to be a PDF but are not: extraction fails at once (retrying cannot help).
    await uploadKm(api, {
      index: "why",
      documentId: "broken",
      files: [{ name: "x.pdf", bytes: "%PDF-1.7 not really" }],
    });
    let status = await statusOf("why", "broken");
    // The document is marked failed a moment before its job is.
    for (let i = 0; i < 100 && status.processing?.state !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await statusOf("why", "broken");
    }
    expectKmShape(status);
    expect(status.failed).toBe(true);
    expect(status.processing).toMatchObject({ state: "failed", attempts: 1 });
    expect(status.explanation).toMatch(/^Failed at step extract after 1 attempt: /);
  });
});

/**
 * @module
 * What happens to an accepted upload's job in workerd (the `#ingestion` import
 * resolves here under the `workerd` condition): the API Worker does not ingest.
 * It sends the job to the ingestion Worker's queue when `INGEST_QUEUE` is bound;
 * either way the job row is already committed, so the ingestion Worker's cron
 * finds it within a minute if the queue is absent or the send fails.
 */
import { NotFoundError } from "../errors.js";
import { log } from "../log/logger.js";
import type { MemoryContext } from "../memory/types.js";
import type { IngestMessage } from "./message.js";

export async function handOverJob(ctx: MemoryContext, job: IngestMessage): Promise<void> {
  if (!ctx.ingestQueue) return;
  try {
    await ctx.ingestQueue.send(job, { contentType: "json" });
  } catch (error) {
    log.warn("queue.send_failed", { ...job, error });
  }
}

/** `POST /jobs/run` exists for hosts whose cron can only call a URL; on Workers the ingestion Worker's cron runs jobs. */
export function runJobsTick(): never {
  throw new NotFoundError("route", "/jobs/run (on Workers, jobs run in the ingestion Worker)");
}

// Both `#ingestion` targets must offer the same functions; this fails to type-check when they drift.
const _sameShape: Pick<typeof import("../jobs/handover.js"), "handOverJob" | "runJobsTick"> = {
  handOverJob,
  runJobsTick,
};
void _sameShape;

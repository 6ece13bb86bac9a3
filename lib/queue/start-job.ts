/**
 * @module
 * How an accepted upload's job starts in workerd (the `#ingestion` import
 * resolves here under the `workerd` condition): the API Worker does not ingest.
 * It sends the job to the ingestion Worker's queue when `INGEST_QUEUE` is bound;
 * either way the job row is already committed, so the ingestion Worker's cron
 * finds it within a minute if the queue is absent or the send fails.
 */
import { log } from "../log/logger.js";
import type { MemoryContext } from "../memory/types.js";

export async function startJob(ctx: MemoryContext, jobId: string): Promise<"queued" | "left-to-cron"> {
  if (!ctx.ingestQueue) return "left-to-cron";
  try {
    await ctx.ingestQueue.send({ jobId }, { contentType: "json" });
    return "queued";
  } catch (error) {
    log.warn("queue.send_failed", { jobId, error });
    return "left-to-cron";
  }
}

// Both `#ingestion` targets must offer the same function; this fails to type-check when they drift.
const _sameShape: Pick<MemoryContext, "startJob"> = { startJob };
void _sameShape;

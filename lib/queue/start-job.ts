/**
 * @module
 * How an accepted upload's job starts on Workers: the API Worker does not ingest. It sends the job to the
 * ingestion Worker's queue when `INGEST_QUEUE` is bound; either way the job row is already committed, so the
 * ingestion Worker's cron finds it within a minute if the queue is absent or the send fails. The Workers'
 * composition roots (functions/worker.ts, functions/ingest-worker.ts) hand this to the services.
 */
import { log } from "../log/logger.js";
import type { StartJob } from "../memory/types.js";
import { isIngestQueue } from "./message.js";

/** The job starter over `binding` (the `INGEST_QUEUE` producer, or anything else when it is not bound). */
export function queueJobStarter(binding: unknown): StartJob {
  const queue = isIngestQueue(binding) ? binding : undefined;
  return async (_ctx, jobId) => {
    if (!queue) return "left-to-cron";
    try {
      await queue.send({ jobId }, { contentType: "json" });
      return "queued";
    } catch (error) {
      log.warn("queue.send_failed", { jobId, error });
      return "left-to-cron";
    }
  };
}

/**
 * @module
 * What happens to an accepted upload's job on Node runtimes (server, Lambda,
 * Vercel, CLI): the same invocation runs it in the background right after the
 * 202; cron or the scheduler takes over if that run dies. Resolved through the
 * `#ingestion` import (package.json); in workerd `lib/queue/handover.ts` takes
 * its place, so the API Worker never bundles extraction or chunking.
 */
import { log } from "../log/logger.js";
import type { MemoryContext } from "../memory/types.js";
import type { IngestMessage } from "../queue/message.js";
import { runUploadedJob } from "./runner.js";

export { runTick as runJobsTick } from "./scheduled.js";

export async function handOverJob(ctx: MemoryContext, job: IngestMessage): Promise<void> {
  // The job is already durable; this run only makes it fast. If it dies, cron takes over.
  ctx.waitUntil(
    runUploadedJob(ctx, job.jobId).catch((err: unknown) => log.error("job.crashed", { ...job, error: err })),
  );
}

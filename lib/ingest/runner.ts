/**
 * @module
 * Runs ingestion jobs: the upload's own background run (through the context's
 * `startJob` hook), cron ticks, the Node scheduler and the CLI all come through
 * here. It settles each job as the pipeline's outcome says (the pipeline is the
 * job edge of the error mapping: a permanent `AppError` fails the job at once;
 * anything else is retried with exponential backoff until `max_attempts`). The
 * runner writes only queue state; the pipeline is the one writer of the document's status.
 */

import { background } from "../db/index.js";
import { log } from "../log/logger.js";
import type { IngestStore } from "../store/ingest-store.js";
import type { Job } from "../store/job-store.js";
import { processBatch } from "./batch.js";
import type { Ingesting } from "./isolation.js";
import { withIngestSlot } from "./slots.js";
import { keepStatisticsCurrent } from "./statistics.js";

export type JobResult = "completed" | "superseded" | "retry" | "failed";

export type RunReport = {
  owner: string;
  claimed: number;
  completed: number;
  superseded: number;
  retried: number;
  failed: number;
  durationMs: number;
  stoppedBy: "empty" | "budget" | "max_jobs";
};

export function newOwner(prefix = "run"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Databases seen holding chunks: a first-time bulk load (embedding-space.ts) is no longer possible there. */
const filled = new WeakSet<IngestStore>();
/** Databases where this process deferred the vector index, so its failed jobs also try to build it. */
const deferring = new WeakSet<IngestStore>();

/**
 * A first-time bulk load (embedding-space.ts): asked before a job is claimed, so no lease runs out while it waits
 * for its lock; once the table is seen holding chunks, never again.
 */
async function deferIndexWhileEmpty(ctx: Ingesting): Promise<void> {
  if (filled.has(ctx.store)) return;
  try {
    const space = await ctx.store.deferVectorIndexWhileEmpty(ctx.embedder.dimensions);
    if (space.filled) filled.add(ctx.store);
    else deferring.add(ctx.store);
  } catch (error) {
    // Only an optimisation: the document is processed either way (and a database that is down fails it then).
    log.warn("vector_index.defer_failed", { error: (error as Error).message });
  }
}

export async function runJob(ctx: Ingesting, job: Job, owner: string): Promise<JobResult> {
  return (await runJobs(ctx, [job], owner))[0]!;
}

/**
 * Runs claimed jobs together (`processBatch`) and settles each by its own outcome: the finished ones in one
 * statement, each failure by itself (failed for good, or retried after its own backoff).
 */
export async function runJobs(ctx: Ingesting, jobs: readonly Job[], owner: string): Promise<JobResult[]> {
  const dimensions = ctx.embedder.dimensions;
  // One job runs alone through the pipeline; more share its reads, embedding call and write (batch.ts).
  const outcomes = await processBatch(ctx, jobs);
  const done = jobs.flatMap((job, i) => {
    const outcome = outcomes[i]!;
    if (outcome.status === "failed") return [];
    return [{ job, ...(outcome.status === "completed" ? {} : { note: outcome.status }) }];
  });
  const settled = await ctx.store.completeJobs(done, owner);
  const results: JobResult[] = [];
  let failures = 0;
  for (const [i, job] of jobs.entries()) {
    const outcome = outcomes[i]!;
    if (outcome.status !== "failed") {
      log.info("job.done", { jobId: job.id, index: job.index, documentId: job.documentId, ...outcome });
      results.push(outcome.status === "completed" ? "completed" : "superseded");
      continue;
    }
    failures++;
    const message = outcome.message;
    const fields = { jobId: job.id, documentId: job.documentId, step: outcome.step, attempts: job.attempts };
    if (outcome.final) {
      await ctx.store.failJob(job, owner, message);
      log.warn("job.failed", { ...fields, error: message });
      results.push("failed");
    } else {
      const delay = outcome.retryInSeconds;
      await ctx.store.retryJobLater(job, owner, message, delay);
      log.warn("job.retry", { ...fields, delay, error: message });
      results.push("retry");
    }
  }
  await afterCommit(ctx, dimensions, {
    wrote: done.length > 0,
    drained: settled.drained,
    // A failed job may have been the last of a deferred load: it tries to build the index too.
    buildIndex: settled.buildIndex || (failures > 0 && deferring.has(ctx.store)),
  });
  return results;
}

/** The upload's own run, right after the 202. If cron got there first, there is nothing to do. */
export async function runUploadedJob(ctx: Ingesting, jobId: string): Promise<JobResult | "taken"> {
  const [result] = await runUploadedJobs(ctx, [jobId]);
  return result ?? "taken";
}

/** A bulk upload's own run: its jobs in batches of `INGEST_BATCH_SIZE`; those cron took are not in the results. */
export async function runUploadedJobs(ctx: Ingesting, jobIds: readonly string[]): Promise<JobResult[]> {
  const owner = newOwner("upload");
  const size = ctx.config.INGEST_BATCH_SIZE;
  const batches: string[][] = [];
  for (let i = 0; i < jobIds.length; i += size) batches.push(jobIds.slice(i, i + size));
  // A slot before the claim: waiting holds no lease and no file in memory.
  // Accepted work: its statements wait for a pool slot rather than being shed like a request.
  const results = await Promise.all(
    batches.map((ids) =>
      background(() =>
        withIngestSlot(ctx.config.INGEST_CONCURRENCY, async () => {
          await deferIndexWhileEmpty(ctx);
          // Only jobs never tried go together (see runDueJobs); a tried one is left to cron, which runs it alone.
          const jobs = await ctx.store.claimJobs(ids, owner, ctx.config.JOB_LEASE_SECONDS, { fresh: ids.length > 1 });
          return jobs.length ? runJobs(ctx, jobs, owner) : [];
        }),
      ),
    ),
  );
  return results.flat();
}

/** Claims and runs due jobs until none are left, the time budget is spent, or `maxJobs` ran. */
export async function runDueJobs(
  ctx: Ingesting,
  options: { budgetMs?: number; maxJobs?: number; owner?: string } = {},
): Promise<RunReport> {
  const started = Date.now();
  const budgetMs = options.budgetMs ?? ctx.config.JOBS_BUDGET_MS;
  const maxJobs = options.maxJobs ?? Number.POSITIVE_INFINITY;
  const report: RunReport = {
    owner: options.owner ?? newOwner(),
    claimed: 0,
    completed: 0,
    superseded: 0,
    retried: 0,
    failed: 0,
    durationMs: 0,
    stoppedBy: "empty",
  };
  report.failed += await ctx.store.failExhaustedJobs();
  for (;;) {
    if (Date.now() - started >= budgetMs) {
      report.stoppedBy = "budget";
      break;
    }
    if (report.claimed >= maxJobs) {
      report.stoppedBy = "max_jobs";
      break;
    }
    // One batch at a time: a claimed batch is always one this run has time to start.
    const limit = Math.min(ctx.config.INGEST_BATCH_SIZE, maxJobs - report.claimed);
    const results = await withIngestSlot(ctx.config.INGEST_CONCURRENCY, async () => {
      await deferIndexWhileEmpty(ctx);
      // A batch holds only jobs never tried: a process that dies mid-batch costs each of its jobs one attempt,
      // so a job tried before (its run may be what killed the process) is claimed and run alone.
      const lease = ctx.config.JOB_LEASE_SECONDS;
      const fresh = limit > 1 ? await ctx.store.claimDueJobs(report.owner, limit, lease, { fresh: true }) : [];
      const jobs = fresh.length ? fresh : await ctx.store.claimDueJobs(report.owner, 1, lease);
      return jobs.length ? runJobs(ctx, jobs, report.owner) : undefined;
    });
    if (!results) break;
    for (const result of results) {
      report.claimed++;
      if (result === "completed") report.completed++;
      else if (result === "superseded") report.superseded++;
      else if (result === "retry") report.retried++;
      else report.failed++;
    }
  }
  report.durationMs = Date.now() - started;
  return report;
}

/**
 * The batch's duties once its jobs are settled, each only an optimisation for later searches (a failure is logged,
 * never a job's): the tables' statistics after what it wrote (statistics.ts: how much change is enough depends on
 * whether the queue drained), then the deferred vector index, built now that the load is over (its time is part of
 * the last job's).
 */
async function afterCommit(
  ctx: Ingesting,
  dimensions: number,
  due: { wrote: boolean; drained: boolean; buildIndex: boolean },
): Promise<void> {
  if (due.wrote) await keepStatisticsCurrent(ctx, due);
  if (!due.buildIndex) return;
  const started = Date.now();
  try {
    const { built } = await ctx.store.buildDeferredVectorIndex(dimensions, ctx.config.VECTOR_INDEX_BUILD_MEMORY);
    if (built) deferring.delete(ctx.store);
    log.info("vector_index.built", { dimensions, built, ms: Date.now() - started });
  } catch (error) {
    // The setting stays: the next job to finish the queue, or the next instance start, builds it.
    log.warn("vector_index.build_failed", { dimensions, error: (error as Error).message });
  }
}

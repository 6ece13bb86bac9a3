/**
 * @module
 * What a cron tick does, routed by its cron string. It uses the same
 * per-instance services (and so the same database handle) as the HTTP
 * functions, and reports what it did in one structured log line.
 */

import { background } from "../db/index.js";
import { type RunReport, runDueJobs } from "../ingest/runner.js";
import { log } from "../log/logger.js";
import type { RuntimeParts } from "../runtime/parts.js";
import { ingestContextOf, type Services, servicesFor } from "../runtime/services.js";
import { type BucketBindings, bucketBindingsOf, type SourceSyncReport, syncDueSources } from "../sources/index.js";
import { pruneFinishedJobs } from "../store/job-store.js";

/** Daily housekeeping; every other cron string runs due jobs. Keep in sync with wrangler.toml. */
export const MAINTENANCE_CRON = "17 3 * * *";

export type ScheduledRun = {
  cron: string;
  task: "jobs" | "maintenance";
  jobs?: RunReport;
  /** Source syncs after the due jobs, within what was left of the budget (per-source lines are logged apart). */
  sources?: Omit<SourceSyncReport, "runs"> | { error: string };
  pruned?: number;
  durationMs: number;
};

export type TickInput = {
  cron: string;
  waitUntil?: (promise: Promise<unknown>) => void;
  budgetMs?: number;
  /** R2 bindings bucket sources read (the ingestion Worker's `env`). */
  buckets?: BucketBindings;
};

/** A tick for an environment (cron handlers, the Node scheduler, the CLI). */
export function runScheduled(
  input: TickInput & { env: Record<string, unknown>; runtime: RuntimeParts },
): Promise<ScheduledRun> {
  // Background work: waits for pool slots instead of being shed like a request.
  return background(() =>
    runTick(servicesFor(input.env, input.runtime), { ...input, buckets: bucketBindingsOf(input.env) }),
  );
}

export type JobsTick = (services: Services, input: TickInput) => Promise<ScheduledRun>;

/** A tick on services already at hand (the HTTP trigger for hosts whose cron calls a URL). */
export async function runTick(services: Services, input: TickInput): Promise<ScheduledRun> {
  const started = Date.now();
  await services.ready();
  const ctx = ingestContextOf(services, input.waitUntil ?? ((p) => void p.catch(() => {})));
  let run: ScheduledRun;
  if (input.cron === MAINTENANCE_CRON) {
    run = { cron: input.cron, task: "maintenance", pruned: await pruneFinishedJobs(ctx.db, 7), durationMs: 0 };
  } else {
    const budgetMs = input.budgetMs ?? services.config.JOBS_BUDGET_MS;
    run = { cron: input.cron, task: "jobs", jobs: await runDueJobs(ctx, { budgetMs }), durationMs: 0 };
    const left = budgetMs - (Date.now() - started);
    if (left > 0) {
      try {
        const { runs: _runs, ...summary } = await syncDueSources(ctx, {
          budgetMs: left,
          ...(input.buckets ? { buckets: input.buckets } : {}),
        });
        run.sources = summary;
      } catch (error) {
        // Sources must never cost the jobs their report (e.g. their tables not migrated yet).
        run.sources = { error: error instanceof Error ? error.message : String(error) };
      }
    }
  }
  run.durationMs = Date.now() - started;
  log.info("cron.run", run);
  return run;
}

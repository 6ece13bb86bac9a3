/**
 * @module
 * What a cron tick does, routed by its cron string. It uses the same
 * per-instance services (and so the same database handle) as the HTTP
 * functions, and reports what it did in one structured log line.
 */
import { log } from "../log/logger.js";
import { memoryContextOf, servicesFor } from "../runtime/services.js";
import { pruneFinishedJobs } from "../store/job-store.js";
import { type RunReport, runDueJobs } from "./runner.js";

/** Daily housekeeping; every other cron string runs due jobs. Keep in sync with wrangler.toml. */
export const MAINTENANCE_CRON = "17 3 * * *";

export type ScheduledRun = {
  cron: string;
  task: "jobs" | "maintenance";
  jobs?: RunReport;
  pruned?: number;
  durationMs: number;
};

export async function runScheduled(input: {
  env: Record<string, unknown>;
  cron: string;
  waitUntil?: (promise: Promise<unknown>) => void;
  budgetMs?: number;
}): Promise<ScheduledRun> {
  const started = Date.now();
  const services = servicesFor(input.env);
  await services.ready();
  const ctx = memoryContextOf(services, input.waitUntil ?? ((p) => void p.catch(() => {})));
  let run: ScheduledRun;
  if (input.cron === MAINTENANCE_CRON) {
    run = { cron: input.cron, task: "maintenance", pruned: await pruneFinishedJobs(ctx.db, 7), durationMs: 0 };
  } else {
    run = { cron: input.cron, task: "jobs", jobs: await runDueJobs(ctx, { budgetMs: input.budgetMs }), durationMs: 0 };
  }
  run.durationMs = Date.now() - started;
  log.info("cron.run", run);
  return run;
}

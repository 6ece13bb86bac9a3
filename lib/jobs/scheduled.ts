/**
 * @module
 * What a cron tick does. It uses the same per-instance services (and so the
 * same database handle) as the HTTP functions.
 */
import { log } from "../log/logger.js";
import { servicesFor } from "../runtime/services.js";

export type ScheduledRun = { cron: string; migrated: boolean; transport: string };

export async function runScheduled(input: { env: Record<string, unknown>; cron: string }): Promise<ScheduledRun> {
  const started = Date.now();
  const services = servicesFor(input.env);
  await services.ready();
  const run: ScheduledRun = { cron: input.cron, migrated: true, transport: services.db.transport };
  log.info("cron.run", { ...run, durationMs: Date.now() - started });
  return run;
}

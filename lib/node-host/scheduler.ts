/**
 * @module
 * The Node server's own cron: runs due jobs (and source syncs) every interval,
 * never two runs at once, on the same services as the HTTP handlers.
 */
import { runScheduled } from "../jobs/scheduled.js";
import { log } from "../log/logger.js";
import type { RuntimeParts } from "../runtime/parts.js";

export function startScheduler(
  env: Record<string, unknown>,
  runtime: RuntimeParts,
  intervalMs: number,
): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return;
    running = runScheduled({ env, runtime, cron: "node-interval" })
      .catch((err: unknown) => log.warn("scheduler.run_failed", { error: err }))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

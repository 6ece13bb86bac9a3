/**
 * @module
 * The job runner's one call after a job commits: analyze the tables ingestion has changed enough (the rule and
 * the SQL live in lib/store/table-statistics.ts). An optimisation for later searches only, so a failure is logged,
 * never the job's.
 *
 * When the commit drained the queue (no other ingestion job running or due), the configured fraction applies. While
 * more jobs are coming, a table is analyzed only once it has doubled since its last analysis: a bulk load then pays
 * a few analyses in all (one per doubling), not one per document, and the one at the end sees every row.
 */
import { log } from "../log/logger.js";
import type { Ingesting } from "./isolation.js";

/** While the queue is busy: changed rows (past the base) as a fraction of the table's rows at its last analysis. */
export const BUSY_ANALYZE_FRACTION = 1;

export async function keepStatisticsCurrent(
  ctx: Pick<Ingesting, "store" | "config">,
  queue: { drained: boolean },
): Promise<void> {
  const configured = ctx.config.ANALYZE_CHANGED_FRACTION;
  const fraction = !configured ? undefined : queue.drained ? configured : Math.max(configured, BUSY_ANALYZE_FRACTION);
  try {
    const analyzed = await ctx.store.analyzeDueTables(fraction);
    if (analyzed.length) log.info("statistics.analyzed", { tables: analyzed, drained: queue.drained });
  } catch (error) {
    log.warn("statistics.analyze_failed", { error: (error as Error).message });
  }
}

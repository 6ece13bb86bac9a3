/**
 * @module
 * The job runner's one call after a job commits: analyze the tables ingestion has changed enough (the rule and
 * the SQL live in lib/store/table-statistics.ts). An optimisation for later searches only, so a failure is logged,
 * never the job's.
 */
import { log } from "../log/logger.js";
import { analyzeDueTables } from "../store/table-statistics.js";
import type { IngestContext } from "./isolation.js";

export async function keepStatisticsCurrent(ctx: Pick<IngestContext, "db" | "config">): Promise<void> {
  try {
    const analyzed = await analyzeDueTables(ctx.db, ctx.config.ANALYZE_CHANGED_FRACTION || undefined);
    if (analyzed.length) log.info("statistics.analyzed", { tables: analyzed });
  } catch (error) {
    log.warn("statistics.analyze_failed", { error: (error as Error).message });
  }
}

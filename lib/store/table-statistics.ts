/**
 * @module
 * Planner statistics kept current by the service (migration 0014): write statements on the tables ingestion grows
 * count their rows in the database; `analyzeDueTables` analyzes those changed by more than a fraction of their size
 * since their last analysis. One statement, so it works over every transport (Neon HTTP, pool, PGlite).
 */
import type { Db } from "../db/index.js";

/** Changed rows every table may take before the fraction applies (autovacuum_analyze_threshold's default). */
export const ANALYZE_BASE_ROWS = 50;

/**
 * Analyzes the tables due; returns their names (none when another run is analyzing at the moment). `fraction`
 * undefined = analysis off: the change counts are only folded, so their log stays small.
 */
export async function analyzeDueTables(db: Db, fraction: number | undefined): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    "select t::text as name from memory_analyze_due($1::float8, $2::bigint) t",
    [fraction ?? null, ANALYZE_BASE_ROWS],
  );
  return rows.map((r) => r.name);
}

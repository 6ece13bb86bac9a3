/**
 * @module
 * The small grid `tune` tries: points of {@link IndexSettings}, so each is exactly what `apply` stores. The first
 * point is the service's defaults (no setting), so a tie keeps the defaults and tuning never reports a change it
 * did not measure. 10 points: each judged query runs once per point.
 */
import type { IndexSettings } from "../ranking-args.js";

export const TUNE_GRID: readonly IndexSettings[] = [
  {},
  ...[0.5, 0.7, 0.9].flatMap((textWeight) =>
    [true, false].map((expansion) => ({
      search_mode: "hybrid" as const,
      text_weight: textWeight,
      query_expansion: expansion,
    })),
  ),
  { search_mode: "text", query_expansion: true },
  { search_mode: "text", query_expansion: false },
  { search_mode: "vector" },
];

/** The settings keys the grid decides: applying a winner clears those it leaves unset. */
export const GRID_KEYS = [...new Set(TUNE_GRID.flatMap((p) => Object.keys(p)))] as Array<keyof IndexSettings>;

/** `search_mode=hybrid text_weight=0.7 query_expansion=false`; `defaults` for no setting. */
export function describeSettings(settings: IndexSettings): string {
  const parts = Object.entries(settings).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length === 0 ? "defaults" : parts.join(" ");
}

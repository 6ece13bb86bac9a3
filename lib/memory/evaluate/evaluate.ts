/**
 * @module
 * `evaluateIndex`: runs judged queries through the real search (`searchMemory`, the verb `/search` uses) in each
 * mode — hybrid, vector and text with the service's defaults, and the index's current settings — and reports
 * nDCG@10, recall@10, MRR@10 and the median search latency, per run and per query. Documents are ranked by their
 * best chunk. With `tune`, every point of the grid runs too; with `apply`, the best one (by mean nDCG@10, the
 * defaults winning ties) becomes the index's settings. Searches run one at a time, so latencies are those of a
 * lone search and the request's load on the database is one search's.
 *
 * @example
 * const report = await evaluateIndex(ctx, { index: "handbook", queries: judgedFromJsonl(text), tune: true });
 */
import { NotFoundError, ValidationError } from "../../errors.js";
import { readIndexSettings } from "../../store/index-settings.js";
import { type IndexSettings, storedSettings } from "../ranking-args.js";
import { searchMemory } from "../search.js";
import { updateIndexSettings } from "../settings.js";
import type { MemoryContext } from "../types.js";
import { describeSettings, GRID_KEYS, TUNE_GRID } from "./grid.js";
import type { JudgedQuery } from "./judgments.js";
import { meanOf, median, metricsAt, type QueryMetrics } from "./metrics.js";

export const EVAL_K = 10;
/** Chunks per search, so that ten distinct documents usually remain once chunks are grouped by document. */
const CHUNKS = 30;

export type EvaluateInput = { index: string; queries: readonly JudgedQuery[]; tune?: boolean; apply?: boolean };

export type RunSummary = {
  name: string;
  settings: IndexSettings;
  ndcg: number;
  recall: number;
  mrr: number;
  p50Ms: number;
};
export type QueryScore = QueryMetrics & { ms: number; ranked: string[] };
export type QueryRow = { id: string; query: string; relevant: number; runs: Record<string, QueryScore> };
export type Tuning = {
  grid: RunSummary[];
  best: RunSummary;
  /** best nDCG@10 − the defaults' on these queries (≥ 0: the defaults are a grid point). */
  gain: number;
  applied: boolean;
  /** The index's settings after the request. */
  settings: IndexSettings;
};
export type EvaluationReport = {
  index: string;
  k: number;
  queries: number;
  runs: RunSummary[];
  perQuery: QueryRow[];
  tuning?: Tuning;
};

type Run = { summary: RunSummary; scores: QueryScore[] };

export async function evaluateIndex(ctx: MemoryContext, input: EvaluateInput): Promise<EvaluationReport> {
  if (input.apply && !input.tune) throw new ValidationError("apply needs tune: it stores the grid's best settings");
  const raw = await readIndexSettings(ctx.db, input.index);
  if (raw === undefined) throw new NotFoundError("index", input.index);
  const current = storedSettings(raw);
  const runs: Run[] = [];
  for (const mode of ["hybrid", "vector", "text"] as const) {
    runs.push(await runAll(ctx, input, mode, { search_mode: mode }));
  }
  runs.push(await runAll(ctx, input, "settings", current));
  const report: EvaluationReport = {
    index: input.index,
    k: EVAL_K,
    queries: input.queries.length,
    runs: runs.map((r) => r.summary),
    perQuery: input.queries.map((q, i) => ({
      id: q.id,
      query: q.query,
      relevant: [...q.gains.values()].filter((g) => g > 0).length,
      runs: Object.fromEntries(runs.map((r) => [r.summary.name, r.scores[i]!])),
    })),
  };
  if (input.tune) report.tuning = await tune(ctx, input, current);
  return report;
}

async function tune(ctx: MemoryContext, input: EvaluateInput, current: IndexSettings): Promise<Tuning> {
  // Keys the grid does not decide (e.g. rerank) stay as stored, in every point and in what is applied.
  const kept = Object.fromEntries(
    Object.entries(current).filter(([k]) => !(GRID_KEYS as string[]).includes(k)),
  ) as IndexSettings;
  const grid: RunSummary[] = [];
  for (const point of TUNE_GRID) {
    const run = await runAll(ctx, input, describeSettings(point), { ...kept, ...point });
    grid.push({ ...run.summary, settings: point });
  }
  const best = grid.reduce((top, r) => (r.ndcg > top.ndcg ? r : top), grid[0]!);
  let settings = current;
  if (input.apply) {
    const cleared = Object.fromEntries(GRID_KEYS.map((k) => [k, null]));
    settings = await updateIndexSettings(ctx, input.index, { ...cleared, ...best.settings });
  }
  return { grid, best, gain: best.ndcg - grid[0]!.ndcg, applied: input.apply === true, settings };
}

async function runAll(ctx: MemoryContext, input: EvaluateInput, name: string, settings: IndexSettings): Promise<Run> {
  const scores: QueryScore[] = [];
  for (const q of input.queries) {
    const started = performance.now();
    const found = await searchMemory(
      ctx,
      {
        index: input.index,
        query: q.query,
        filters: [],
        minRelevance: 0,
        limit: Math.min(CHUNKS, ctx.config.SEARCH_MAX_LIMIT),
      },
      settings,
    );
    const ms = performance.now() - started;
    const ranked = [...new Set(found.results.map((c) => c.documentId))].slice(0, EVAL_K);
    scores.push({ ...metricsAt(EVAL_K, ranked, q.gains), ms, ranked });
  }
  const mean = meanOf(scores);
  return {
    summary: {
      name,
      settings,
      ndcg: mean.ndcg,
      recall: mean.recall,
      mrr: mean.rr,
      p50Ms: median(scores.map((s) => s.ms)),
    },
    scores,
  };
}

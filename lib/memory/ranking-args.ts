/**
 * @module
 * Every ranking knob a search takes, in ONE schema: the `args` of `/search`, `/ask` and the MCP tools, and what an
 * index's stored settings may hold. Defaults come from the environment (`SEARCH_*`) and, for the fusion weight, from
 * the embedder's family (docs/adr/0005-ranking-that-generalises.md); a request's args override both.
 *
 * @example
 * const ranking = rankingFor(ctx.config, ctx.embedder, { text_weight: 0.5, query_expansion: false });
 */
import { z } from "zod";
import type { Embedder } from "../ai/types.js";
import type { Config } from "../config/env.js";
import { ValidationError } from "../errors.js";
import { DEFAULT_RANKING, type SearchMode } from "../store/chunk-search.js";
import type { Ranking } from "../store/hybrid-search.js";

/** KM clients send args as strings; "false"/"true" and numeric strings mean what they say. */
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const num = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);

export const RankingArgsSchema = z
  .object({
    /** `hybrid` (default), `vector` (cosine, KM's meaning) or `text` (BM25 alone). */
    search_mode: z.enum(["hybrid", "vector", "text"]),
    /** KM-style switch: `false` = vector only. */
    hybrid: flag,
    /** Pseudo-relevance feedback on (default, when the first pass is confident) or off. */
    query_expansion: flag,
    /** The text leg's share of the fused relevance. */
    text_weight: num(0, 1),
    bm25_k1: num(0, 10),
    bm25_b: num(0, 1),
    feedback_docs: num(0, 50).int(),
    feedback_terms: num(1, 50).int(),
    feedback_original_weight: num(0, 1),
    /** Share of the query's BM25 ceiling the first pass's best chunk must reach before expansion runs. */
    expansion_gate: num(0, 1),
  })
  .partial();

export type RankingArgs = z.infer<typeof RankingArgsSchema>;

/** The ranking knobs in `args` (other keys are left to their owners); a bad value is a ValidationError. */
export function rankingArgsOf(args: Record<string, unknown> | undefined): RankingArgs {
  if (!args) return {};
  const picked = Object.fromEntries(
    Object.keys(RankingArgsSchema.shape)
      .filter((k) => args[k] !== undefined && args[k] !== null)
      .map((k) => [k, args[k]]),
  );
  const parsed = RankingArgsSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(`args.${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

export function searchModeOf(args: RankingArgs): SearchMode {
  if (args.hybrid === false || args.search_mode === "vector") return "vector";
  return args.search_mode ?? "hybrid";
}

/**
 * The text weight an embedder family fuses best with, when neither the environment nor the request sets one: the
 * offline hashing embedder is a weak, lexical leg (0.9 text, measured here); a semantic model carries what BM25
 * misses (0.5, from published BEIR fusion results; the ADR cites them).
 */
export function defaultTextWeight(embedder: Pick<Embedder, "id">): number {
  return embedder.id.startsWith("offline-hash") ? OFFLINE_TEXT_WEIGHT : SEMANTIC_TEXT_WEIGHT;
}
export const OFFLINE_TEXT_WEIGHT = 0.9;
export const SEMANTIC_TEXT_WEIGHT = 0.5;

/** Defaults (environment, embedder family) overridden by the request's ranking args. */
export function rankingFor(config: Config, embedder: Pick<Embedder, "id">, args: RankingArgs = {}): Ranking {
  const feedbackOff = args.query_expansion === false;
  return {
    ...DEFAULT_RANKING,
    textWeight: args.text_weight ?? config.SEARCH_TEXT_WEIGHT ?? defaultTextWeight(embedder),
    k1: args.bm25_k1 ?? config.SEARCH_BM25_K1,
    b: args.bm25_b ?? config.SEARCH_BM25_B,
    feedbackDocs: feedbackOff ? 0 : (args.feedback_docs ?? config.SEARCH_FEEDBACK_DOCS),
    feedbackTerms: args.feedback_terms ?? config.SEARCH_FEEDBACK_TERMS,
    originalWeight: args.feedback_original_weight ?? config.SEARCH_FEEDBACK_ORIGINAL_WEIGHT,
    expansionGate: args.expansion_gate ?? config.SEARCH_EXPANSION_GATE,
  };
}

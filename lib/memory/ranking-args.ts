/**
 * @module
 * The ranking options of search `args`, declared once. Search reads a request's options through
 * {@link rankingOptions}; an index's stored settings (`GET/PATCH /indexes/{index}/settings`) are this same schema
 * (less KM's `hybrid` alias), so a knob added to {@link RankingArgs} is at once a search arg, a setting, and shown
 * in the OpenAPI document — there is no second list to keep in step.
 *
 * @example
 * rankingOptions({ search_mode: "text", query_expansion: "false" }) // { mode: "text", expansion: false, … }
 */
import { z } from "zod";
import type { Embedder } from "../ai/types.js";
import { ValidationError } from "../errors.js";
import type { SearchMode } from "../store/chunk-search.js";
import type { Ranking } from "../store/hybrid-search.js";

/** Kernel Memory clients send booleans in `args` as strings too. */
const Flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]);

export const RankingArgs = z.object({
  search_mode: z
    .enum(["hybrid", "vector", "text"])
    .optional()
    .describe("hybrid (BM25 + vector, the default), vector (cosine only) or text (BM25 only)"),
  hybrid: Flag.optional().describe("Kernel Memory's switch: false means vector only"),
  text_weight: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("hybrid: the text leg's share of the fused relevance (default SEARCH_TEXT_WEIGHT)"),
  query_expansion: Flag.optional().describe("pseudo-relevance feedback (RM3) on the text leg; default on"),
  rerank: Flag.optional().describe("the configured reranker, when there is one; default on"),
  bm25_k1: z.number().min(0).max(10).optional().describe("BM25 term-frequency saturation (default SEARCH_BM25_K1)"),
  bm25_b: z.number().min(0).max(1).optional().describe("BM25 length normalisation (default SEARCH_BM25_B)"),
  feedback_docs: z.number().int().min(0).max(50).optional().describe("RM3 feedback chunks; 0 = no expansion"),
  feedback_terms: z.number().int().min(1).max(50).optional().describe("RM3 expansion terms"),
  feedback_original_weight: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      "RM3: the original query's share (text leg; the vector leg keeps the same beside the feedback chunks' mean)",
    ),
  expansion_gate: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("expand only when the first pass's best chunk reaches this share of the query's BM25 ceiling"),
});

/** What an index may store: every ranking option but the `hybrid` alias (`search_mode` says it). */
export const IndexSettings = RankingArgs.omit({ hybrid: true });
export type IndexSettings = z.output<typeof IndexSettings>;
export const SETTING_KEYS = Object.keys(IndexSettings.shape) as Array<keyof IndexSettings>;

export type RankingOptions = {
  mode: SearchMode;
  textWeight?: number;
  expansion: boolean;
  rerank: boolean;
  /** The BM25 / expansion knobs the args set (absent = the instance's defaults). */
  overrides: Partial<Ranking>;
};

/** A request's (or merged) args as ranking options; a ranking key with a bad value is a ValidationError. */
export function rankingOptions(args: Record<string, unknown> | undefined): RankingOptions {
  const picked = Object.fromEntries(Object.keys(RankingArgs.shape).map((k) => [k, args?.[k] ?? undefined]));
  const parsed = RankingArgs.safeParse(picked);
  if (!parsed.success) throw new ValidationError(describeIssue("args", parsed.error));
  const a = parsed.data;
  const mode: SearchMode = a.hybrid === false ? "vector" : (a.search_mode ?? "hybrid");
  return {
    mode,
    ...(a.text_weight !== undefined ? { textWeight: a.text_weight } : {}),
    expansion: a.query_expansion !== false,
    rerank: a.rerank !== false,
    overrides: Object.fromEntries(
      (
        [
          ["k1", a.bm25_k1],
          ["b", a.bm25_b],
          ["feedbackDocs", a.feedback_docs],
          ["feedbackTerms", a.feedback_terms],
          ["originalWeight", a.feedback_original_weight],
          ["expansionGate", a.expansion_gate],
        ] as const
      ).filter(([, v]) => v !== undefined),
    ) as Partial<Ranking>,
  };
}

/**
 * The text weight an embedder family fuses best with, when neither the environment, the index nor the request
 * sets one: the offline hashing embedder is a weak, lexical leg (0.9, measured); a semantic model carries what BM25
 * misses (0.5, published BEIR fusion results; docs/adr/0006-ranking-that-generalises.md).
 */
export function defaultTextWeight(embedder: Pick<Embedder, "id">): number {
  return embedder.id.startsWith("offline-hash") ? OFFLINE_TEXT_WEIGHT : SEMANTIC_TEXT_WEIGHT;
}
export const OFFLINE_TEXT_WEIGHT = 0.9;
export const SEMANTIC_TEXT_WEIGHT = 0.5;

/**
 * Stored settings read back: each key kept only while the schema still accepts it, so a knob renamed or removed
 * in a later version is ignored rather than failing every search on the index.
 */
export function storedSettings(raw: unknown): IndexSettings {
  if (raw === null || typeof raw !== "object") return {};
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const parsed = IndexSettings.shape[key].safeParse(value);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as IndexSettings;
}

/** `path.key: message` for the first issue, the way the HTTP edge words schema failures. */
export function describeIssue(prefix: string, error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${[prefix, ...issue.path.map(String)].join(".")}: ${issue.message}`;
}

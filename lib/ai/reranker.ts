/**
 * @module
 * The optional reranking stage: a cross-encoder scores each (query, passage) pair, which ranks the
 * top fused candidates better than either retrieval leg alone. Off by default; providers are Workers
 * AI (`@cf/baai/bge-reranker-base`, `workers-ai-reranker.ts`) and any Cohere/Jina-compatible
 * `POST /rerank` endpoint (`http-reranker.ts`).
 */
import { AppError } from "../errors.js";

export interface Reranker {
  /** e.g. `"workers-ai:@cf/baai/bge-reranker-base"`, `"http:rerank-v3.5"`. */
  readonly id: string;
  /** How many of the top fused candidates the search hands over. */
  readonly candidates: number;
  /**
   * One score in [0, 1] per passage, in input order (higher = more relevant). Rejects with
   * `RerankFailed` on provider or shape errors; an abort rejects with the abort error itself.
   */
  rerank(query: string, passages: string[], opts?: { signal?: AbortSignal }): Promise<number[]>;
}

/** A reranker could not score the passages (provider error, retries spent, or a malformed answer). */
export class RerankFailed extends AppError {
  override readonly name = "RerankFailed";
  constructor(
    message: string,
    readonly reranker: string,
    options?: { cause?: unknown },
  ) {
    super("upstream", message, options);
  }
}

/** Cross-encoders read ~512 tokens; longer passages only cost bandwidth. */
export const MAX_PASSAGE_CHARS = 4_000;

/**
 * Scores from `{ index, score }` pairs, checked: every passage scored once, indexes in range, finite
 * numbers. Logits (outside [0, 1]) are squashed with the logistic function, so every provider's
 * scores read as probabilities.
 */
export function scoresFrom(
  pairs: ReadonlyArray<{ index: unknown; score: unknown }>,
  count: number,
  id: string,
): number[] {
  const scores = new Array<number | undefined>(count).fill(undefined);
  for (const { index, score } of pairs) {
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count) {
      throw new RerankFailed(`the reranker answered an index out of range: ${String(index)}`, id);
    }
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw new RerankFailed(`the reranker answered a score that is not a number: ${String(score)}`, id);
    }
    scores[index as number] = score;
  }
  if (scores.some((s) => s === undefined)) {
    throw new RerankFailed(`the reranker scored ${pairs.length} of ${count} passages`, id);
  }
  const all = scores as number[];
  const probabilities = all.every((s) => s >= 0 && s <= 1);
  return probabilities ? all : all.map((s) => 1 / (1 + Math.exp(-s)));
}

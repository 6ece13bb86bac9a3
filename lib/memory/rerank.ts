/**
 * @module
 * The optional reranking step of search (and so of ask): the top fused candidates go to the configured
 * `Reranker` and come back ordered by its scores, which become their `relevance`, so results stay ordered
 * by the relevance they show. `minRelevance` still filters the candidates before reranking. Off without a
 * reranker or with `args: {"rerank": false}`. A reranker that fails costs the caller nothing but the
 * reranking: the fused order is answered, and the failure logged.
 */
import { isAbortError } from "../ai/errors.js";
import { log } from "../log/logger.js";
import type { ChunkHit } from "../store/chunk-search.js";
import { rankingOptions } from "./ranking-args.js";
import type { SearchInput, Searching } from "./types.js";

function wanted(ctx: Pick<Searching, "reranker">, input: SearchInput): boolean {
  return ctx.reranker !== undefined && rankingOptions(input.args).rerank;
}

/** How many fused candidates to fetch: every result the request may return is reranked, at least `candidates`. */
export function candidateCount(ctx: Pick<Searching, "reranker">, input: SearchInput): number {
  return wanted(ctx, input) ? Math.max(input.limit, ctx.reranker!.candidates) : input.limit;
}

export async function rerankHits(
  ctx: Pick<Searching, "reranker">,
  input: SearchInput,
  hits: ChunkHit[],
): Promise<ChunkHit[]> {
  if (!wanted(ctx, input) || hits.length < 2) return hits.slice(0, input.limit);
  const reranker = ctx.reranker!;
  try {
    const scores = await reranker.rerank(
      input.query,
      hits.map((h) => h.text),
    );
    return hits
      .map((hit, i) => ({ hit: { ...hit, relevance: scores[i]! }, i }))
      .sort((a, b) => b.hit.relevance - a.hit.relevance || a.i - b.i)
      .slice(0, input.limit)
      .map(({ hit }) => hit);
  } catch (error) {
    if (isAbortError(error)) throw error;
    log.warn("search.rerank_failed", { reranker: reranker.id, error });
    return hits.slice(0, input.limit);
  }
}

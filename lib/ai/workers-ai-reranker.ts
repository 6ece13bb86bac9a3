/**
 * @module
 * Reranking with Cloudflare Workers AI through the binding (`env.AI`):
 * `binding.run("@cf/baai/bge-reranker-base", { query, contexts: [{ text }], top_k })` answers
 * `{ response: [{ id, score }] }`, best first, `id` being the context's position. Transient failures
 * are retried by the same wrapper the embedder and generator use.
 */
import { AiConfigError, describeFailure } from "./errors.js";
import { MAX_PASSAGE_CHARS, type Reranker, RerankFailed, scoresFrom } from "./reranker.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import { isWorkersAIBinding, type WorkersAIBinding, withRetries } from "./workers-ai-binding.js";

export type WorkersAIRerankerOptions = {
  binding: WorkersAIBinding;
  model?: string;
  candidates?: number;
  retry?: Partial<RetryPolicy>;
};

export const WORKERS_AI_RERANK_MODEL = "@cf/baai/bge-reranker-base";

/**
 * @example
 * const reranker = createWorkersAIReranker({ binding: env.AI });
 */
export function createWorkersAIReranker(opts: WorkersAIRerankerOptions): Reranker {
  const { model = WORKERS_AI_RERANK_MODEL, candidates = 20 } = opts;
  if (!isWorkersAIBinding(opts.binding)) throw new AiConfigError("the Workers AI reranker needs the AI binding");
  const binding = withRetries(opts.binding, { ...DEFAULT_RETRY_POLICY, ...opts.retry });
  const id = `workers-ai:${model}`;
  return {
    id,
    candidates,
    async rerank(query, passages, callOpts) {
      if (passages.length === 0) return [];
      let answer: unknown;
      try {
        answer = await binding.run(
          model,
          {
            query,
            contexts: passages.map((text) => ({ text: text.slice(0, MAX_PASSAGE_CHARS) })),
            top_k: passages.length,
          },
          callOpts?.signal ? { signal: callOpts.signal } : {},
        );
      } catch (error) {
        if (callOpts?.signal?.aborted) throw error;
        throw new RerankFailed(`Workers AI rerank failed: ${describeFailure(error).detail}`, id, { cause: error });
      }
      const response = (answer as { response?: unknown } | null)?.response;
      if (!Array.isArray(response)) throw new RerankFailed("Workers AI answered no `response` list", id);
      return scoresFrom(
        response.map((r: { id?: unknown; score?: unknown }) => ({ index: r?.id, score: r?.score })),
        passages.length,
        id,
      );
    },
  };
}

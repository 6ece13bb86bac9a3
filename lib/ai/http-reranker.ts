/**
 * @module
 * Reranking through any endpoint that speaks the Cohere/Jina `POST /rerank` format (Cohere v2,
 * Jina, Voyage-style gateways, vLLM and Infinity servers): request
 * `{ model, query, documents: string[], top_n }` with `Authorization: Bearer <key>`, answer
 * `{ results: [{ index, relevance_score }] }`. 408, 429 and 5xx answers and network failures are
 * retried with backoff; the key never appears in an error.
 */
import { AiConfigError, isAbortError, messageOf, redact } from "./errors.js";
import { MAX_PASSAGE_CHARS, type Reranker, RerankFailed, scoresFrom } from "./reranker.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryWithBackoff } from "./retry.js";

export type HttpRerankerOptions = {
  /** Up to the version segment, e.g. `https://api.cohere.com/v2` or `https://api.jina.ai/v1`. */
  baseURL: string;
  apiKey?: string;
  model: string;
  candidates?: number;
  /** One request's time limit. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof globalThis.fetch;
};

class RerankHttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`the rerank endpoint answered ${status}: ${body.slice(0, 300)}`);
  }
}

const retryable = (error: unknown) =>
  error instanceof RerankHttpError
    ? error.status === 408 || error.status === 429 || error.status >= 500
    : !isAbortError(error) && error instanceof TypeError; // fetch's network failure

/**
 * @example
 * const reranker = createHttpReranker({ baseURL: "https://api.cohere.com/v2", apiKey, model: "rerank-v3.5" });
 */
export function createHttpReranker(opts: HttpRerankerOptions): Reranker {
  const { model, apiKey, candidates = 20, timeoutMs = 15_000 } = opts;
  if (!opts.baseURL || !model) throw new AiConfigError("an HTTP reranker needs a base URL and a model");
  const url = `${opts.baseURL.replace(/\/+$/, "")}/rerank`;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const id = `http:${model}`;

  const post = async (query: string, documents: string[], signal?: AbortSignal) => {
    const res = await doFetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({ model, query, documents, top_n: documents.length }),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new RerankHttpError(res.status, text);
    try {
      return JSON.parse(text) as { results?: unknown };
    } catch {
      throw new RerankFailed("the rerank endpoint answered something that is not JSON", id);
    }
  };

  return {
    id,
    candidates,
    async rerank(query, passages, callOpts) {
      if (passages.length === 0) return [];
      const documents = passages.map((p) => p.slice(0, MAX_PASSAGE_CHARS));
      let body: { results?: unknown };
      try {
        body = await retryWithBackoff(() => post(query, documents, callOpts?.signal), {
          ...DEFAULT_RETRY_POLICY,
          ...opts.retry,
          isRetryable: retryable,
          signal: callOpts?.signal,
        });
      } catch (error) {
        if (callOpts?.signal?.aborted || error instanceof RerankFailed) throw error;
        throw new RerankFailed(redact(`rerank failed: ${messageOf(error)}`, [apiKey]), id, { cause: error });
      }
      if (!Array.isArray(body.results)) throw new RerankFailed("the rerank endpoint answered no `results` list", id);
      return scoresFrom(
        body.results.map((r: { index?: unknown; relevance_score?: unknown }) => ({
          index: r?.index,
          score: r?.relevance_score,
        })),
        passages.length,
        id,
      );
    },
  };
}

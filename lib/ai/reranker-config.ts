/**
 * @module
 * Picks the reranker from environment variables and bindings. Off by default; half a configuration
 * fails here with an `AiConfigError`, at startup, not on the first search.
 *
 * | variable            | values                                                                 |
 * | ------------------- | ---------------------------------------------------------------------- |
 * | `RERANK_PROVIDER`   | `none` (default), `workers-ai`, `http` (Cohere/Jina-compatible `/rerank`) |
 * | `RERANK_MODEL`      | required for `http`; `workers-ai` defaults to `@cf/baai/bge-reranker-base` |
 * | `RERANK_BASE_URL`, `RERANK_API_KEY` | for `http` (the key may be absent for local servers)   |
 * | `RERANK_CANDIDATES` | how many top fused candidates are reranked (default 20, 1–100)        |
 * | `AI`                | the Workers AI binding, for `workers-ai`                                |
 */
import { AiConfigError } from "./errors.js";
import { createHttpReranker } from "./http-reranker.js";
import type { Reranker } from "./reranker.js";
import { isWorkersAIBinding } from "./workers-ai-binding.js";
import { createWorkersAIReranker } from "./workers-ai-reranker.js";

export type RerankEnv = {
  RERANK_PROVIDER?: string;
  RERANK_MODEL?: string;
  RERANK_BASE_URL?: string;
  RERANK_API_KEY?: string;
  RERANK_CANDIDATES?: string | number;
  AI?: unknown;
};

export function createRerankerFromEnv(env: RerankEnv): Reranker | undefined {
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const provider = text(env.RERANK_PROVIDER) ?? "none";
  const model = text(env.RERANK_MODEL);
  const candidates = parseCandidates(env.RERANK_CANDIDATES);
  switch (provider) {
    case "none":
      return undefined;
    case "workers-ai":
      if (!isWorkersAIBinding(env.AI)) {
        throw new AiConfigError(
          'the Workers AI binding "AI" must be configured (wrangler [ai] binding) when RERANK_PROVIDER=workers-ai',
        );
      }
      return createWorkersAIReranker({ binding: env.AI, candidates, ...(model ? { model } : {}) });
    case "http": {
      const baseURL = text(env.RERANK_BASE_URL);
      if (!baseURL) throw new AiConfigError("RERANK_BASE_URL must be set when RERANK_PROVIDER=http");
      if (!model) throw new AiConfigError("RERANK_MODEL must be set when RERANK_PROVIDER=http");
      return createHttpReranker({ baseURL, model, candidates, apiKey: text(env.RERANK_API_KEY) });
    }
    default:
      throw new AiConfigError(`RERANK_PROVIDER must be one of none, workers-ai, http; got "${provider}"`);
  }
}

function parseCandidates(value: string | number | undefined): number {
  if (value === undefined || (typeof value === "string" && value.trim() === "")) return 20;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new AiConfigError(`RERANK_CANDIDATES must be an integer from 1 to 100, got "${value}"`);
  }
  return n;
}

/**
 * @module
 * Builds the reranker the configuration names (off by default). The variables are validated by the one
 * schema (lib/config, `RERANK_VARS`): `http` without its endpoint or model never gets here; a missing
 * Workers AI binding fails here with an `AiConfigError`, at startup, not on the first search.
 */
import { type Config, parseConfig } from "../config/env.js";
import { AiConfigError } from "./errors.js";
import { createHttpReranker } from "./http-reranker.js";
import type { Reranker } from "./reranker.js";
import { isWorkersAIBinding } from "./workers-ai-binding.js";
import { createWorkersAIReranker } from "./workers-ai-reranker.js";

export type RerankSettings = Pick<
  Config,
  "RERANK_PROVIDER" | "RERANK_MODEL" | "RERANK_BASE_URL" | "RERANK_API_KEY" | "RERANK_CANDIDATES"
>;

/** Raw variables plus the Workers AI binding (`env.AI`), for callers that hold no parsed configuration. */
export type RerankEnv = Record<string, unknown> & { AI?: unknown };

/** `binding` is the Workers AI binding (`env.AI`), needed by the `workers-ai` provider only. */
export function createReranker(settings: RerankSettings, binding?: unknown): Reranker | undefined {
  const { RERANK_MODEL: model, RERANK_CANDIDATES: candidates } = settings;
  switch (settings.RERANK_PROVIDER) {
    case "none":
      return undefined;
    case "workers-ai":
      if (!isWorkersAIBinding(binding)) {
        throw new AiConfigError(
          'the Workers AI binding "AI" must be configured (wrangler [ai] binding) when RERANK_PROVIDER=workers-ai',
        );
      }
      return createWorkersAIReranker({ binding, candidates, ...(model ? { model } : {}) });
    case "http": {
      const baseURL = settings.RERANK_BASE_URL;
      if (!baseURL || !model)
        throw new AiConfigError("RERANK_BASE_URL and RERANK_MODEL must be set when RERANK_PROVIDER=http");
      return createHttpReranker({ baseURL, model, candidates, apiKey: settings.RERANK_API_KEY });
    }
  }
}

/** For scripts and tests that hold raw variables: parses them with the one schema first. */
export function createRerankerFromEnv(env: RerankEnv): Reranker | undefined {
  return createReranker(parseConfig(env), env.AI);
}

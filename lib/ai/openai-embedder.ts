/**
 * @module
 * Embeddings from any server speaking OpenAI's `POST /embeddings` (OpenAI,
 * Azure-style gateways, vLLM, Ollama, LiteLLM…), through the AI SDK.
 *
 * Retries: the AI SDK's own loop (`maxRetries`) retries 408/409/429/5xx and, in
 * `ai` 6.0.x, waits what `retry-after-ms` or `Retry-After` (seconds or HTTP date)
 * asks when that is under 60 s, else 2 s, 4 s, 8 s… So one batch costs at most
 * `maxRetries + 1` requests.
 *
 * The SDK is imported on the first batch, not with this module: a service configured for another provider never
 * loads it. Everything the configuration can get wrong is still checked here, when the embedder is made.
 */
import { embedInBatches } from "./batched-embedding.js";
import { AiConfigError } from "./errors.js";
import { once } from "./lazy.js";
import type { Embedder } from "./types.js";

export type OpenAICompatibleEmbedderOptions = {
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  apiKey?: string;
  model: string;
  /** What the model returns; every vector is checked against it. */
  dimensions: number;
  /** Inputs per request. */
  batchSize?: number;
  /** Retries per batch after the first attempt. */
  maxRetries?: number;
  /** Longest input in tokens; OpenAI's embedding models accept 8191. */
  maxTokens?: number;
  /**
   * Send `dimensions` in the request so the server shortens vectors
   * (text-embedding-3 and other Matryoshka models only; other servers may reject it).
   */
  requestDimensions?: boolean;
  fetch?: typeof globalThis.fetch;
};

/**
 * @example
 * const embedder = createOpenAICompatibleEmbedder({
 *   baseURL: "https://api.openai.com/v1", apiKey, model: "text-embedding-3-small", dimensions: 1536,
 * });
 */
export function createOpenAICompatibleEmbedder(opts: OpenAICompatibleEmbedderOptions): Embedder {
  const { baseURL, apiKey, model, dimensions, batchSize = 96, maxRetries = 4, maxTokens = 8191 } = opts;
  if (!baseURL || !model) throw new AiConfigError("an OpenAI-compatible embedder needs a base URL and a model");
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new AiConfigError(`embedding dimensions must be a positive integer, got ${dimensions}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2048) {
    throw new AiConfigError(`embedding batch size must be an integer from 1 to 2048, got ${batchSize}`);
  }
  const load = once(async () => {
    const sdk = await import("./sdk-openai.js");
    const provider = sdk.createOpenAICompatible({ name: "openai", baseURL, apiKey, fetch: opts.fetch });
    return { embedMany: sdk.embedMany, model: provider.embeddingModel(model) };
  });
  const providerOptions = opts.requestDimensions ? { openaiCompatible: { dimensions } } : undefined;
  const id = `openai:${model}`;

  return {
    id,
    dimensions,
    maxTokens,
    embed: (texts, callOpts) =>
      embedInBatches(texts, callOpts?.signal, {
        id,
        dimensions,
        batchSize,
        secrets: [apiKey],
        embedBatch: async (values, abortSignal) => {
          const { embedMany, model: embeddingModel } = await load();
          const { embeddings } = await embedMany({
            model: embeddingModel,
            values,
            maxRetries,
            abortSignal,
            providerOptions,
          });
          return embeddings;
        },
      }),
  };
}

/**
 * @module
 * Embeddings from Cloudflare Workers AI through the binding (`env.AI`), via
 * workers-ai-provider and the AI SDK. The provider calls
 * `binding.run(model, { text: string[] }, { gateway, signal })` and reads
 * `data` from the answer `{ shape: [n, d], data: number[][] }`.
 *
 * Note for chunking: the bge models read at most 512 tokens per input. Both packages are imported on the first
 * batch (see `openai-embedder.ts`); the options are checked when the embedder is made.
 */
import { embedInBatches } from "./batched-embedding.js";
import { AiConfigError } from "./errors.js";
import { once } from "./lazy.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import type { Embedder } from "./types.js";
import { isWorkersAIBinding, type WorkersAIBinding, withRetries } from "./workers-ai-binding.js";

export type WorkersAIEmbedderOptions = {
  binding: WorkersAIBinding;
  model?: string;
  dimensions?: number;
  /** Workers AI's text-embedding models accept up to 100 texts per call. */
  batchSize?: number;
  maxTokens?: number;
  retry?: Partial<RetryPolicy>;
};

/**
 * @example
 * const embedder = createWorkersAIEmbedder({ binding: env.AI });
 */
export function createWorkersAIEmbedder(opts: WorkersAIEmbedderOptions): Embedder {
  const { model = "@cf/baai/bge-small-en-v1.5", dimensions = 384, batchSize = 100, maxTokens = 512 } = opts;
  if (!isWorkersAIBinding(opts.binding)) throw new AiConfigError("the Workers AI embedder needs the AI binding");
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new AiConfigError(`embedding dimensions must be a positive integer, got ${dimensions}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new AiConfigError(`embedding batch size must be a positive integer, got ${batchSize}`);
  }
  const binding = withRetries(opts.binding, { ...DEFAULT_RETRY_POLICY, ...opts.retry });
  const load = once(async () => {
    const sdk = await import("./sdk-workers-ai.js");
    // The provider types the binding as the full `Ai` class; it only ever calls `run` for these models.
    const workersAI = sdk.createWorkersAI({ binding: binding as unknown as Ai });
    return { embedMany: sdk.embedMany, model: workersAI.textEmbedding(model) };
  });
  const id = `workers-ai:${model}`;

  return {
    id,
    dimensions,
    maxTokens,
    embed: (texts, callOpts) =>
      embedInBatches(texts, callOpts?.signal, {
        id,
        dimensions,
        batchSize,
        embedBatch: async (values, abortSignal) => {
          const { embedMany, model: embeddingModel } = await load();
          const { embeddings } = await embedMany({
            model: embeddingModel,
            values,
            maxRetries: 0,
            abortSignal,
          });
          return embeddings;
        },
      }),
  };
}

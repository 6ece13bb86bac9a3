/**
 * @module
 * Text generation from Cloudflare Workers AI through the binding, via
 * workers-ai-provider. The provider calls
 * `binding.run(model, { messages, max_tokens, temperature, top_p, tools, stream? }, { gateway, signal })`;
 * without `stream` the binding answers `{ response, usage }`, with `stream: true`
 * a `ReadableStream` of SSE `data: {"response":"…"}` … `data: [DONE]` events
 * (usage, when present, rides on a late event). The provider package is imported on the first generation.
 */
import { AiConfigError } from "./errors.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import { createSdkTextGenerator } from "./sdk-text-generator.js";
import type { TextGenerator } from "./types.js";
import { isWorkersAIBinding, type WorkersAIBinding, withRetries } from "./workers-ai-binding.js";

export type WorkersAIGeneratorOptions = {
  binding: WorkersAIBinding;
  model?: string;
  /** llama-3.1-8b-instruct on Workers AI has a context of about 8k tokens; leave room for the answer. */
  maxInputTokens?: number;
  retry?: Partial<RetryPolicy>;
};

/**
 * @example
 * const generator = createWorkersAIGenerator({ binding: env.AI });
 */
export function createWorkersAIGenerator(opts: WorkersAIGeneratorOptions): TextGenerator {
  const { model = "@cf/meta/llama-3.1-8b-instruct", maxInputTokens = 6000 } = opts;
  if (!isWorkersAIBinding(opts.binding)) throw new AiConfigError("the Workers AI generator needs the AI binding");
  const binding = withRetries(opts.binding, { ...DEFAULT_RETRY_POLICY, ...opts.retry });
  return createSdkTextGenerator({
    id: `workers-ai:${model}`,
    load: async () => {
      const sdk = await import("./sdk-workers-ai.js");
      // The provider types the binding as the full `Ai` class; for `@cf/…` chat models it only calls `run`.
      const workersAI = sdk.createWorkersAI({ binding: binding as unknown as Ai });
      return { generateText: sdk.generateText, streamText: sdk.streamText, model: workersAI.chat(model) };
    },
    maxInputTokens,
    maxRetries: 0,
  });
}

/**
 * @module
 * Text generation from any server speaking OpenAI's `POST /chat/completions`,
 * through the AI SDK. Streams ask for usage (`stream_options.include_usage`),
 * so `TextStream.usage` carries token counts when the server sends them.
 * Retries are the AI SDK's (see `openai-embedder.ts`); a stream is retried only
 * until its response starts. The SDK is imported on the first generation (see `sdk-text-generator.ts`).
 */
import { AiConfigError } from "./errors.js";
import { createSdkTextGenerator } from "./sdk-text-generator.js";
import type { TextGenerator } from "./types.js";

export type OpenAICompatibleGeneratorOptions = {
  baseURL: string;
  apiKey?: string;
  model: string;
  maxInputTokens?: number;
  maxRetries?: number;
  fetch?: typeof globalThis.fetch;
};

/**
 * @example
 * const generator = createOpenAICompatibleGenerator({ baseURL: "https://api.openai.com/v1", apiKey, model: "gpt-4o-mini" });
 * const { text } = await generator.generate({ system: "Answer from the sources.", prompt });
 */
export function createOpenAICompatibleGenerator(opts: OpenAICompatibleGeneratorOptions): TextGenerator {
  const { baseURL, apiKey, model, maxInputTokens = 8000, maxRetries = 2 } = opts;
  if (!baseURL || !model) throw new AiConfigError("an OpenAI-compatible generator needs a base URL and a model");
  return createSdkTextGenerator({
    id: `openai:${model}`,
    load: async () => {
      const sdk = await import("./sdk-openai.js");
      const provider = sdk.createOpenAICompatible({
        name: "openai",
        baseURL,
        apiKey,
        fetch: opts.fetch,
        includeUsage: true,
      });
      return { generateText: sdk.generateText, streamText: sdk.streamText, model: provider.chatModel(model) };
    },
    maxInputTokens,
    maxRetries,
    secrets: [apiKey],
  });
}

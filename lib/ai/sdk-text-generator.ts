/**
 * @module
 * A {@link TextGenerator} over any AI SDK language model: `generateText` for a
 * whole answer, `streamText` for deltas. Both provider-specific generators are
 * this plus a model and a retry setting. The SDK and the model's provider package are imported on the first
 * call, not with this module, so a service that never generates never loads them.
 */
import type { generateText, LanguageModel, LanguageModelUsage, streamText } from "ai";
import { describeFailure, GenerationFailed, isAbortError, redact } from "./errors.js";
import { once } from "./lazy.js";
import type { GenerateRequest, TextGenerator, TextStream, TokenUsage } from "./types.js";

export type SdkTextGeneratorOptions = {
  id: string;
  /** Imports the SDK and makes the model; called once, on the first generation. */
  load: () => Promise<SdkGeneration>;
  maxInputTokens: number;
  /** Handed to the AI SDK; 0 when the transport retries by itself. */
  maxRetries: number;
  secrets?: ReadonlyArray<string | undefined>;
};

/** The SDK's two generation calls and the model they run, as a provider's SDK module hands them over. */
export type SdkGeneration = {
  generateText: typeof generateText;
  streamText: typeof streamText;
  model: LanguageModel;
};

export function createSdkTextGenerator(opts: SdkTextGeneratorOptions): TextGenerator {
  const fail = (error: unknown, req: GenerateRequest): unknown => {
    if (isAbortError(error) || req.signal?.aborted) return error;
    if (error instanceof GenerationFailed) return error;
    const { detail, attempts } = describeFailure(error);
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    return new GenerationFailed(
      redact(`generation with ${opts.id} failed${tries}: ${detail}`, opts.secrets),
      opts.id,
      attempts,
      { cause: error },
    );
  };

  const load = once(opts.load);
  const callSettings = (model: LanguageModel, req: GenerateRequest) => ({
    model,
    system: req.system,
    prompt: req.prompt,
    maxOutputTokens: req.maxOutputTokens,
    abortSignal: req.signal,
    maxRetries: opts.maxRetries,
  });

  return {
    id: opts.id,
    maxInputTokens: opts.maxInputTokens,

    async generate(req) {
      try {
        const { generateText, model } = await load();
        const result = await generateText(callSettings(model, req));
        return { text: result.text, usage: toTokenUsage(result.usage) };
      } catch (error) {
        throw fail(error, req);
      }
    },

    stream(req): TextStream {
      let settle!: { resolve: (u: TokenUsage) => void; reject: (e: unknown) => void };
      const usage = new Promise<TokenUsage>((resolve, reject) => {
        settle = { resolve, reject };
      });
      // Callers that only want the text must not get an unhandled rejection.
      usage.catch(() => {});

      async function* deltas(): AsyncGenerator<string> {
        let finalUsage: TokenUsage = {};
        try {
          const { streamText, model } = await load();
          const result = streamText({
            ...callSettings(model, req),
            // Errors arrive as stream parts and are thrown below; the default handler would also log them.
            onError: () => {},
          });
          for await (const part of result.fullStream) {
            if (part.type === "text-delta") {
              if (part.text) yield part.text;
            } else if (part.type === "error") {
              throw part.error;
            } else if (part.type === "abort") {
              throw req.signal?.reason ?? new DOMException("The generation was aborted", "AbortError");
            } else if (part.type === "finish") {
              finalUsage = toTokenUsage(part.totalUsage);
              if (part.finishReason === "error") throw new Error("the provider's stream ended without finishing");
            }
          }
          settle.resolve(finalUsage);
        } catch (error) {
          const failure = fail(error, req);
          settle.reject(failure);
          throw failure;
        } finally {
          // Reached without settling only when the consumer stopped early.
          settle.resolve(finalUsage);
        }
      }

      const iterator = deltas();
      return { [Symbol.asyncIterator]: () => iterator, usage };
    },
  };
}

function toTokenUsage(usage: LanguageModelUsage | undefined): TokenUsage {
  const out: TokenUsage = {};
  if (usage?.inputTokens !== undefined) out.inputTokens = usage.inputTokens;
  if (usage?.outputTokens !== undefined) out.outputTokens = usage.outputTokens;
  return out;
}

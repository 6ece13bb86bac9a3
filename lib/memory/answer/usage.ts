/**
 * @module
 * Kernel Memory's `TokenUsage` records for an answer (its `AnswerGenerator`: one record, on the JSON answer
 * and on the stream's `last` record). Tokenizer counts are ours (cl100k, or the estimate on Workers); service
 * counts are what the provider reported (AI SDK `usage`, Workers AI `usage`), absent when it reported none.
 * An extractive (offline) answer calls no service, so it reports tokenizer counts only.
 */
import type { TokenUsage as GeneratorUsage, TextGenerator } from "../../ai/types.js";
import type { TokenCounter, TokenUsage } from "../types.js";
import type { Fact } from "./facts.js";

/** KM's `Constants.ModelType.TextGeneration`. */
const TEXT_GENERATION = "TextGeneration";

/** Our generator ids are `provider:model`; KM's `serviceType` names the provider and `modelName` the model. */
export function generatorUsage(
  generator: TextGenerator,
  tokensIn: number,
  tokensOut: number,
  usage: GeneratorUsage,
): TokenUsage {
  const colon = generator.id.indexOf(":");
  const entry: TokenUsage = {
    timestamp: new Date().toISOString(),
    serviceType: colon > 0 ? generator.id.slice(0, colon) : generator.id,
    modelType: TEXT_GENERATION,
    modelName: colon > 0 ? generator.id.slice(colon + 1) : generator.id,
    tokenizerTokensIn: tokensIn,
    tokenizerTokensOut: tokensOut,
  };
  if (usage.inputTokens !== undefined) entry.serviceTokensIn = usage.inputTokens;
  if (usage.outputTokens !== undefined) entry.serviceTokensOut = usage.outputTokens;
  return entry;
}

/** In: the question and the facts the quoting read; out: the answer's text. No service was called. */
export function extractiveUsage(
  question: string,
  facts: readonly Fact[],
  text: string,
  count: TokenCounter,
): TokenUsage {
  return {
    timestamp: new Date().toISOString(),
    serviceType: "offline",
    modelType: TEXT_GENERATION,
    modelName: "extractive",
    tokenizerTokensIn: count(question) + facts.reduce((n, f) => n + count(f.content), 0),
    tokenizerTokensOut: count(text),
  };
}

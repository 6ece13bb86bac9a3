/**
 * @module
 * The per-request RAG overrides Kernel Memory clients send in `args`, with KM's exact keys
 * (`Constants.CustomContext.Rag`), read once and validated: a present but unusable value is a
 * `ValidationError` naming the key, never a silent fallback to the default.
 *
 * @example
 * ragOptionsFromArgs({ custom_rag_max_matches_count_int: "5" }).maxMatches // 5
 */
import { ValidationError } from "../../errors.js";
import { NO_ANSWER_TEXT } from "../types.js";

/** Kernel Memory's exact `args` keys. */
export const KM_RAG_ARGS = {
  emptyAnswer: "custom_rag_empty_answer_str",
  prompt: "custom_rag_prompt_str",
  factTemplate: "custom_rag_fact_template_str",
  includeDuplicateFacts: "custom_rag_include_duplicate_facts_bool",
  maxTokens: "custom_rag_max_tokens_int",
  maxMatchesCount: "custom_rag_max_matches_count_int",
} as const;

/** KM's `SearchClientConfig.FactTemplate` default. */
export const DEFAULT_FACT_TEMPLATE = "==== [File:{{$source}};Relevance:{{$relevance}}]:\n{{$content}}";
/** Fewer than KM's 100: past ~30 chunks answers stop improving and prompts only get slower. */
export const DEFAULT_MAX_MATCHES = 30;
/** KM's `SearchClientConfig.MaxMatchesCount`, and the cap of `/search`'s limit. */
export const MAX_MATCHES_CEILING = 100;
/** KM's `SearchClientConfig.AnswerTokens`: the answer's length limit and the prompt's reserve for it. */
export const DEFAULT_ANSWER_TOKENS = 300;
// An answer longer than this is a typo, and its reserve would leave no room for facts.
const MAX_ANSWER_TOKENS = 8192;
// KM's SearchClientConfig.Validate limit for EmptyAnswer.
const MAX_EMPTY_ANSWER = 256;

export type RagOptions = {
  maxMatches: number;
  emptyAnswer: string;
  factTemplate: string;
  /** A whole replacement prompt with `{{$facts}}`, `{{$input}}`, `{{$notFound}}`, as in KM. */
  prompt?: string;
  answerTokens: number;
  /** KM's default is false: the same text stored twice is cited twice but sent to the model once. */
  includeDuplicateFacts: boolean;
};

export function ragOptionsFromArgs(args: Record<string, unknown> | undefined): RagOptions {
  const read = (key: string) => {
    if (!args) return undefined;
    // The same keys without KM's type suffix, as people write them by hand.
    for (const k of [key, key.replace(/_(int|str|bool|float)$/, "")]) {
      if (args[k] !== undefined && args[k] !== null) return { key: k, value: args[k] };
    }
    return undefined;
  };

  const maxMatches = read(KM_RAG_ARGS.maxMatchesCount);
  const answerTokens = read(KM_RAG_ARGS.maxTokens);
  const emptyAnswer = read(KM_RAG_ARGS.emptyAnswer);
  const factTemplate = read(KM_RAG_ARGS.factTemplate);
  const prompt = read(KM_RAG_ARGS.prompt);
  const dupes = read(KM_RAG_ARGS.includeDuplicateFacts);

  return {
    maxMatches: maxMatches
      ? Math.min(positiveInt(maxMatches.key, maxMatches.value, Number.MAX_SAFE_INTEGER), MAX_MATCHES_CEILING)
      : DEFAULT_MAX_MATCHES,
    answerTokens: answerTokens
      ? positiveInt(answerTokens.key, answerTokens.value, MAX_ANSWER_TOKENS)
      : DEFAULT_ANSWER_TOKENS,
    emptyAnswer: emptyAnswer ? text(emptyAnswer.key, emptyAnswer.value, MAX_EMPTY_ANSWER) : NO_ANSWER_TEXT,
    factTemplate: factTemplate ? template(factTemplate.key, factTemplate.value, "{{$content}}") : DEFAULT_FACT_TEMPLATE,
    ...(prompt ? { prompt: template(prompt.key, prompt.value, "{{$facts}}") } : {}),
    includeDuplicateFacts: dupes ? bool(dupes.key, dupes.value) : false,
  };
}

function positiveInt(key: string, value: unknown, max: number): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > max) {
    throw new ValidationError(`args.${key} must be an integer from 1 to ${max}`);
  }
  return n;
}

function text(key: string, value: unknown, max: number): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > max) {
    throw new ValidationError(`args.${key} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

// A template without its content placeholder would send the model no facts at all.
function template(key: string, value: unknown, required: string): string {
  if (typeof value !== "string" || !value.includes(required)) {
    throw new ValidationError(`args.${key} must be a string containing ${required}`);
  }
  return value;
}

function bool(key: string, value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  throw new ValidationError(`args.${key} must be true or false`);
}

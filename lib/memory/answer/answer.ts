/**
 * @module
 * Answering a question from memory, Kernel Memory's `AskAsync` (the search step is `searchMemory` unless a test
 * passes another, so the core is tested without a database):
 * retrieve partitions, pack the most relevant into the prompt budget, then either let the text
 * generator answer from them or, without one, quote the best-matching sentences (see
 * `extractive.ts`). A generator that fails before saying anything is not a failed request: the
 * extractive answer is returned instead and a warning is logged.
 *
 * Streaming follows KM's `StreamStates`: a `reset` record replaces everything received so far
 * (it is always first and carries the sources), `append` records add text, `last` ends the
 * stream and carries the token usage; `error` ends it with a readable `noResultReason`. So the
 * full text is the `reset`'s text plus the appends after it. A reset can come again later: when
 * the model answers "INFO NOT FOUND", or when it failed before its first word and the extractive
 * answer takes its place.
 *
 * @example
 * const answer = await answerQuestion(ctx, { index: "default", question: "Why one pool?", filters: [], minRelevance: 0 });
 * for await (const chunk of streamAnswer(ctx, input)) send(chunk);
 */

import { GenerationFailed } from "../../ai/errors.js";
import type { TokenUsage as GeneratorUsage, TextGenerator } from "../../ai/types.js";
import { ValidationError } from "../../errors.js";
import { log } from "../../log/logger.js";
import { searchMemory } from "../search.js";
import type { AskInput, Citation, MemoryAnswer, SearchInput, SearchResult, TokenUsage } from "../types.js";
import { type Answering, MAX_QUESTION_CHARS, type Searching, type TokenCounter } from "../types.js";
import { type RagOptions, ragOptionsFromArgs } from "./args.js";
import { extractiveAnswer } from "./extractive.js";
import { type Fact, packFacts, sourcesOf } from "./facts.js";
import { DEFAULT_PROMPT_TEMPLATE, isNoAnswer, mayBecomeNoAnswer, renderPrompt, systemPrompt } from "./prompt.js";
import { errorRecord } from "./stream-error.js";
import { extractiveUsage, generatorUsage } from "./usage.js";

export type SearchFn = (ctx: Searching, input: SearchInput) => Promise<SearchResult>;

/** Facts scanned for the extractive answer: a few chunks' worth, the same order as a small model's prompt. */
export const EXTRACTIVE_FACT_BUDGET = 4000;
/** KM's `NoFactsResult.NoResultReason`: search found nothing above `minRelevance`. */
/** Offline answers only: the best passage found is too weak to quote as an answer (see `ASK_MIN_EVIDENCE`). */
export const WEAK_EVIDENCE_REASON = "No memory answers the question well enough to quote";
export const NO_MEMORIES_REASON = "No relevant memories available";
/** KM's `InsufficientTokensResult.NoResultReason`: memories were found but not even one fits the prompt. */
export const NO_ROOM_REASON = "Unable to use memory, max tokens reached";
/** KM's reason when the model itself answered with the empty answer. */
export const MODEL_NO_ANSWER_REASON = "No relevant memories found";
export { MAX_QUESTION_CHARS } from "../types.js";

type Prepared = { input: AskInput; question: string; rag: RagOptions };

type Generation = {
  generator: TextGenerator;
  system: string;
  prompt: string;
  tokensIn: number;
  countTokens: TokenCounter;
};

type Plan =
  | { kind: "none"; answer: MemoryAnswer }
  | { kind: "extractive"; facts: Fact[]; countTokens: TokenCounter }
  | { kind: "generate"; facts: Fact[]; generation: Generation };

/** Answers `input.question` from the memories `search` finds. Throws `ValidationError` on bad input only. */
export async function answerQuestion(
  ctx: Answering,
  input: AskInput,
  search: SearchFn = searchMemory,
): Promise<MemoryAnswer> {
  const prepared = prepare(input);
  const { question, rag } = prepared;
  const plan = await retrieve(ctx, prepared, search);
  if (plan.kind === "none") return plan.answer;
  if (plan.kind === "extractive") return extractiveResult(question, plan.facts, plan.countTokens);

  const { generator, system, prompt, tokensIn, countTokens } = plan.generation;
  let result: { text: string; usage: GeneratorUsage };
  try {
    result = await generator.generate({ system, prompt, maxOutputTokens: rag.answerTokens });
  } catch (error) {
    if (!(error instanceof GenerationFailed)) throw error;
    log.warn("ask.generation_failed", { generator: generator.id, fallback: "extractive", error });
    return extractiveResult(question, plan.facts, countTokens);
  }
  const text = result.text.trim();
  const tokenUsage = [generatorUsage(generator, tokensIn, countTokens(text), result.usage)];
  if (isNoAnswer(text, rag.emptyAnswer)) return noAnswer(question, rag, MODEL_NO_ANSWER_REASON, tokenUsage);
  return {
    question,
    noResult: false,
    noResultReason: null,
    text,
    tokenUsage,
    relevantSources: sourcesOf(plan.facts),
  };
}

/**
 * The answer as a stream of `MemoryAnswer` records (see the module notes for the states).
 * Input is validated on the call itself, so a `ValidationError` is thrown before any record and
 * the HTTP edge can still answer 400; after that, failures arrive as an `error` record, never as a
 * rejection.
 */
export function streamAnswer(
  ctx: Answering,
  input: AskInput,
  search: SearchFn = searchMemory,
): AsyncIterable<MemoryAnswer> {
  const prepared = prepare(input);
  return streamRecords(ctx, prepared, search);
}

async function* streamRecords(ctx: Answering, prepared: Prepared, search: SearchFn): AsyncGenerator<MemoryAnswer> {
  const { question, rag } = prepared;
  let plan: Plan;
  try {
    plan = await retrieve(ctx, prepared, search);
  } catch (error) {
    yield errorRecord(question, error);
    return;
  }
  if (plan.kind === "none") {
    yield { ...plan.answer, streamState: "reset" };
    yield { ...plan.answer, streamState: "last", text: "" };
    return;
  }
  if (plan.kind === "extractive") {
    yield* extractiveRecords(question, plan.facts, plan.countTokens);
    return;
  }

  const { generator, system, prompt, tokensIn, countTokens } = plan.generation;
  yield record(question, "reset", "", { relevantSources: sourcesOf(plan.facts) });
  const stream = generator.stream({ system, prompt, maxOutputTokens: rag.answerTokens });
  let full = "";
  // Text held back while it could still be the empty answer, so clients never see "INFO NOT" flash up.
  let held = "";
  let started = false;
  try {
    for await (const delta of stream) {
      full += delta;
      if (started) {
        yield record(question, "append", delta);
        continue;
      }
      held += delta;
      if (mayBecomeNoAnswer(held, rag.emptyAnswer)) continue;
      started = true;
      yield record(question, "append", held.trimStart());
      held = "";
    }
  } catch (error) {
    if (!started && error instanceof GenerationFailed) {
      log.warn("ask.generation_failed", { generator: generator.id, fallback: "extractive", error });
      yield* extractiveRecords(question, plan.facts, countTokens);
      return;
    }
    yield errorRecord(question, error);
    return;
  }

  // The iteration ended normally, so usage is settled; a rejection here would only repeat the error above.
  const usage = await stream.usage.catch(() => ({}));
  const tokenUsage = [generatorUsage(generator, tokensIn, countTokens(full.trim()), usage)];
  if (isNoAnswer(full, rag.emptyAnswer)) {
    const none = noAnswer(question, rag, MODEL_NO_ANSWER_REASON, tokenUsage);
    yield { ...none, streamState: "reset" };
    yield { ...none, streamState: "last", text: "" };
    return;
  }
  if (held.trim()) yield record(question, "append", held.trimStart());
  yield record(question, "last", "", { tokenUsage });
}

function prepare(input: AskInput): Prepared {
  if (typeof input.question !== "string" || input.question.trim() === "") {
    throw new ValidationError("question must be a non-empty string");
  }
  if (input.question.length > MAX_QUESTION_CHARS) {
    throw new ValidationError(`question must be at most ${MAX_QUESTION_CHARS} characters`);
  }
  return { input, question: input.question, rag: ragOptionsFromArgs(input.args) };
}

async function retrieve(ctx: Answering, prepared: Prepared, search: SearchFn): Promise<Plan> {
  const { input, question, rag } = prepared;
  const found = await search(ctx, {
    index: input.index,
    query: question,
    filters: input.filters,
    minRelevance: input.minRelevance,
    limit: rag.maxMatches,
    ...(input.args ? { args: input.args } : {}),
  });

  const generator = ctx.generator;
  const countTokens = await ctx.tokenCounter();
  let budget = EXTRACTIVE_FACT_BUDGET;
  let system = "";
  const template = rag.prompt ?? DEFAULT_PROMPT_TEMPLATE;
  if (generator) {
    system = systemPrompt(rag.emptyAnswer);
    // KM: the model's budget minus the prompt around the facts (question included) minus the answer's reserve.
    // Our counts are cl100k; the model's tokenizer may differ, and the reserve doubles as the margin for it.
    const around = countTokens(system) + countTokens(renderPrompt(template, { facts: "", question, notFound: "" }));
    budget = generator.maxInputTokens - around - countTokens(rag.emptyAnswer) - rag.answerTokens;
  }
  const packed = packFacts(found.results, {
    budget: Math.max(0, budget),
    template: rag.factTemplate,
    includeDuplicates: rag.includeDuplicateFacts,
    count: countTokens,
  });
  if (packed.available === 0) return { kind: "none", answer: noAnswer(question, rag, NO_MEMORIES_REASON, []) };
  if (packed.facts.length === 0) {
    log.warn("ask.no_room_for_facts", { budget, available: packed.available });
    return { kind: "none", answer: noAnswer(question, rag, NO_ROOM_REASON, []) };
  }
  if (!generator) {
    // Without a model nothing judges whether the passages answer the question: quote them only when the best one
    // holds enough of the question's words to be evidence (relevance is calibrated for this; README "Ranking").
    const best = Math.max(...packed.facts.map((f) => f.partition.relevance));
    if (best < ctx.config.ASK_MIN_EVIDENCE) {
      return { kind: "none", answer: noAnswer(question, rag, WEAK_EVIDENCE_REASON, []) };
    }
    return { kind: "extractive", facts: packed.facts, countTokens };
  }

  const prompt = renderPrompt(template, { facts: packed.text, question, notFound: rag.emptyAnswer });
  return {
    kind: "generate",
    facts: packed.facts,
    generation: { generator, system, prompt, tokensIn: countTokens(system) + countTokens(prompt), countTokens },
  };
}

/** Without a model the answer is quoted: its usage counts what it read and wrote, and no service tokens. */
function* extractiveRecords(question: string, facts: Fact[], countTokens: TokenCounter): Generator<MemoryAnswer> {
  const answer = extractiveAnswer(question, facts);
  yield record(question, "reset", "", { relevantSources: answer.sources });
  for (const piece of answer.pieces) yield record(question, "append", piece);
  yield record(question, "last", "", { tokenUsage: [extractiveUsage(question, facts, answer.text, countTokens)] });
}

function extractiveResult(question: string, facts: Fact[], countTokens: TokenCounter): MemoryAnswer {
  const answer = extractiveAnswer(question, facts);
  return {
    question,
    noResult: false,
    noResultReason: null,
    text: answer.text,
    tokenUsage: [extractiveUsage(question, facts, answer.text, countTokens)],
    relevantSources: answer.sources,
  };
}

function noAnswer(question: string, rag: RagOptions, reason: string, tokenUsage: TokenUsage[]): MemoryAnswer {
  return { question, noResult: true, noResultReason: reason, text: rag.emptyAnswer, tokenUsage, relevantSources: [] };
}

function record(
  question: string,
  streamState: NonNullable<MemoryAnswer["streamState"]>,
  text: string,
  extra: { relevantSources?: Citation[]; tokenUsage?: TokenUsage[] } = {},
): MemoryAnswer {
  return {
    streamState,
    question,
    noResult: false,
    noResultReason: null,
    text,
    tokenUsage: extra.tokenUsage ?? [],
    relevantSources: extra.relevantSources ?? [],
  };
}

/**
 * @module
 * The ask verbs: {@link answerQuestion} and {@link streamAnswerWith} (in `answer/answer.ts`) bound
 * to the real search. The core takes the search as a parameter so it is tested without a database.
 *
 * @example
 * const answer = await askMemory(ctx, { index: "default", question: "Why one pool?", filters: [], minRelevance: 0 });
 * for await (const record of streamAnswer(ctx, input)) writeSse(record);
 */
import { answerQuestion, streamAnswerWith } from "./answer/answer.js";
import { searchMemory } from "./search.js";
import type { Answering, AskInput, MemoryAnswer } from "./types.js";

export type { SearchFn } from "./answer/answer.js";
export { answerQuestion, streamAnswerWith };

export const askMemory = (ctx: Answering, input: AskInput): Promise<MemoryAnswer> =>
  answerQuestion(ctx, input, searchMemory);

/** Throws `ValidationError` on the call for bad input; every later failure is an `error` record. */
export const streamAnswer = (ctx: Answering, input: AskInput): AsyncIterable<MemoryAnswer> =>
  streamAnswerWith(ctx, input, searchMemory);

/**
 * @module
 * The `/ask` answer cache: an identical question (same index, question, filters, minRelevance, args, embedder,
 * generator and ranking configuration) on an unchanged index is answered from the database without a search or
 * a model call. "Unchanged" is the index's version, which triggers bump in the same transaction as every write
 * that can change an answer (lib/migrate/sql/0014_ask_answer_cache.sql), so it holds across instances. The
 * version is read before the answer is computed and stored with it: an index that changed meanwhile already
 * has a newer version, and the entry is never found.
 *
 * Not stored: answers that fell back to the extractive answer because the generator failed (a passing outage
 * must not be remembered), and streams that ended in an error. `args.cache: false` bypasses the cache;
 * `ASK_CACHE_TTL_S=0` turns it off. A cached answer reports no token usage: none was spent.
 *
 * @example
 * const answer = await askCached(ctx, input);                 // JSON /ask
 * for await (const record of streamCached(ctx, input)) send(record); // SSE /ask
 */
import type { Config } from "../../config/env.js";
import { ValidationError } from "../../errors.js";
import { log } from "../../log/logger.js";
import { lookupAnswer, storeAnswer } from "../../store/answer-cache.js";
import { settingsForSearch } from "../settings.js";
import type { Answering, AskInput, MemoryAnswer } from "../types.js";
import { answerQuestion, streamAnswer } from "./answer.js";

export type CachedAnswering = Answering & { config: Pick<Config, "ASK_CACHE_TTL_S" | "ASK_CACHE_MAX_ENTRIES"> };

type Found = { key: string; version: string; answer: MemoryAnswer | null };

export async function askCached(ctx: CachedAnswering, input: AskInput): Promise<MemoryAnswer> {
  if (!usesCache(ctx, input)) return answerQuestion(ctx, input);
  const found = await lookup(ctx, input);
  if (found.answer) return found.answer;
  const answer = await answerQuestion(ctx, input);
  await remember(ctx, input, found, answer);
  return answer;
}

/** Throws `ValidationError` on the call for bad input, as `streamAnswer` does; a hit is one reset and one last. */
export function streamCached(ctx: CachedAnswering, input: AskInput): AsyncIterable<MemoryAnswer> {
  const live = streamAnswer(ctx, input);
  if (!usesCache(ctx, input)) return live;
  return (async function* () {
    const found = await lookup(ctx, input);
    if (found.answer) {
      yield { ...found.answer, streamState: "reset" };
      yield { ...found.answer, streamState: "last", text: "" };
      return;
    }
    let whole: MemoryAnswer | undefined;
    for await (const record of live) {
      yield record;
      whole = accumulate(whole, record);
    }
    if (whole) await remember(ctx, input, found, whole);
  })();
}

function usesCache(ctx: CachedAnswering, input: AskInput): boolean {
  const flag = input.args?.cache;
  if (flag !== undefined && typeof flag !== "boolean") throw new ValidationError("args.cache must be true or false");
  return flag !== false && ctx.config.ASK_CACHE_TTL_S > 0;
}

async function lookup(ctx: CachedAnswering, input: AskInput): Promise<Found> {
  const key = await requestKey(ctx, input);
  const found = await lookupAnswer(ctx.reader ?? ctx.db, input.index, key, ctx.config.ASK_CACHE_TTL_S);
  const answer = found.answer as MemoryAnswer | null;
  return { key, version: found.version, answer: answer ? { ...answer, tokenUsage: [] } : null };
}

async function remember(ctx: CachedAnswering, input: AskInput, found: Found, answer: MemoryAnswer): Promise<void> {
  // A generator that failed left the extractive answer in its place: not what this question gets once it is back.
  const fellBack = ctx.generator !== undefined && answer.tokenUsage.some((u) => u.modelName === "extractive");
  if (fellBack) return;
  const { streamState: _, ...stored } = answer;
  try {
    await storeAnswer(
      ctx.db,
      { index: input.index, key: found.key, version: found.version, answer: stored },
      { ttlSeconds: ctx.config.ASK_CACHE_TTL_S, maxEntries: ctx.config.ASK_CACHE_MAX_ENTRIES },
    );
  } catch (error) {
    // The answer stands; only the next identical question pays for it again.
    log.warn("ask.cache_store_failed", { index: input.index, error });
  }
}

/** The whole answer a stream told: a reset replaces the text, appends add to it, the last carries the usage. */
function accumulate(whole: MemoryAnswer | undefined, record: MemoryAnswer): MemoryAnswer | undefined {
  switch (record.streamState) {
    case "reset":
      return { ...record };
    case "append":
    case "last":
      if (!whole) return undefined;
      return {
        ...whole,
        text: whole.text + (record.text ?? ""),
        ...(record.streamState === "last"
          ? { noResult: record.noResult, noResultReason: record.noResultReason, tokenUsage: record.tokenUsage }
          : {}),
        ...(record.relevantSources?.length ? { relevantSources: record.relevantSources } : {}),
      };
    default:
      // An error record: this stream is not an answer to keep.
      return undefined;
  }
}

/** sha256 of everything that shapes the answer besides the index's content (the index is the key's other half). */
async function requestKey(ctx: CachedAnswering, input: AskInput): Promise<string> {
  const { cache: _, ...args } = input.args ?? {};
  const { config } = ctx;
  const shape = canonical({
    question: input.question.trim(),
    filters: input.filters,
    minRelevance: input.minRelevance,
    args,
    embedder: [ctx.embedder.id, ctx.embedder.dimensions],
    generator: ctx.generator?.id ?? null,
    reranker: ctx.reranker ? ((ctx.reranker as { id?: string }).id ?? "on") : null,
    config: Object.fromEntries(Object.entries(config).filter(([k]) => /^(SEARCH_|ASK_MIN_EVIDENCE)/.test(k))),
    // The index's settings as this instance will search with them: an instance still holding the old ones after
    // a PATCH elsewhere (SEARCH_SETTINGS_TTL_MS) stores under another key than one that has the new ones.
    indexSettings: await settingsForSearch(ctx, input.index),
  });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(shape));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** JSON with object keys sorted, so equal requests give equal keys whatever order their fields came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * @module
 * The ask tests' fixtures (test/node/memory/ask*.test.ts): a small corpus of citations, a canned search, a
 * context without a database, and Kernel Memory's own fold of a streamed answer.
 */
import { expect, vi } from "vitest";
import type { TextGenerator } from "../../lib/ai/index";
import type { SearchFn } from "../../lib/memory/answer/answer";
import type { AskInput, Citation, MemoryAnswer, MemoryContext, Partition } from "../../lib/memory/types";
import { countTokens } from "../../lib/partition/index";

// ---------- fixtures ----------

export function partition(text: string, relevance: number, partitionNumber = 0): Partition {
  return { text, relevance, partitionNumber, sectionNumber: 0, lastUpdate: "2026-01-02T03:04:05Z", tags: {} };
}

export function citation(documentId: string, sourceName: string, partitions: Partition[]): Citation {
  return {
    link: `default/${documentId}/f-${documentId}`,
    index: "default",
    documentId,
    fileId: `f-${documentId}`,
    sourceContentType: "text/markdown",
    sourceName,
    sourceUrl: null,
    partitions,
  };
}

export const GUIDE_TOP =
  "Each instance creates one database handle at module scope. Every handler reuses it across warm invocations. " +
  "The handle is bounded by its max setting.";
export const GUIDE_IDLE =
  "Idle clients are closed after thirty seconds. An error listener keeps the process alive when an idle client fails.";
export const INCIDENT =
  "Kernel Memory's connector built a new pool per client. Production databases ran out of slots and Postgres " +
  "answered SQLSTATE 53300. The fix was a single shared pool.";
export const COFFEE = "The office coffee machine is on the third floor.";

/** Search order: citations by their best partition, as the real search returns them. */
export function corpus(): Citation[] {
  return [
    citation("guide", "pool-guide.md", [partition(GUIDE_TOP, 0.82, 0), partition(GUIDE_IDLE, 0.61, 1)]),
    citation("incident-7", "incident.md", [partition(INCIDENT, 0.74, 0)]),
    citation("misc", "misc.txt", [partition(COFFEE, 0.4, 0)]),
  ];
}

export function fakeSearch(results: Citation[] | (() => Promise<Citation[]>)) {
  return vi.fn<SearchFn>(async (_ctx, input) => {
    const found = typeof results === "function" ? await results() : results;
    return { query: input.query, noResult: found.length === 0, results: found };
  });
}

export function context(generator?: TextGenerator): MemoryContext {
  // The ask core touches neither the database nor the embedder: search is injected.
  return {
    db: undefined as never,
    // Only the offline evidence floor is read (the service default).
    config: { ASK_MIN_EVIDENCE: 0.2 } as never,
    embedder: undefined as never,
    ...(generator ? { generator } : {}),
    waitUntil: () => {},
    startJob: async () => undefined,
    tokenCounter: async () => countTokens,
  };
}

export function ask(question: string, args?: Record<string, unknown>): AskInput {
  return { index: "default", question, filters: [], minRelevance: 0.3, ...(args ? { args } : {}) };
}

export async function collect(stream: AsyncIterable<MemoryAnswer>): Promise<MemoryAnswer[]> {
  const out: MemoryAnswer[] = [];
  for await (const record of stream) out.push(record);
  return out;
}

/** Kernel Memory's own client fold (`SearchClient.AskAsync` over `AskStreamingAsync`). */
export function fold(records: MemoryAnswer[]): Omit<MemoryAnswer, "streamState"> {
  let result: MemoryAnswer | undefined;
  for (const part of records) {
    if (part.streamState === "reset" || part.streamState === "error" || !result) {
      result = { ...part };
      if (part.streamState === "error") break;
      continue;
    }
    result = {
      ...result,
      noResult: part.noResult,
      noResultReason: part.noResultReason,
      text: result.text + part.text,
      tokenUsage: part.tokenUsage.length ? part.tokenUsage : result.tokenUsage,
      relevantSources: [...result.relevantSources, ...part.relevantSources],
    };
    if (part.streamState === "last") break;
  }
  const { streamState: _, ...rest } = result!;
  return rest;
}

export const states = (records: MemoryAnswer[]) => records.map((r) => r.streamState);

/** KM's stream shape: reset first, last at the end, only appends (at least two) between. */
export function expectResetAppendsLast(records: MemoryAnswer[]): void {
  expect(states(records)[0]).toBe("reset");
  expect(states(records).at(-1)).toBe("last");
  expect(
    states(records)
      .slice(1, -1)
      .every((s) => s === "append"),
  ).toBe(true);
  expect(records.length).toBeGreaterThan(3);
}

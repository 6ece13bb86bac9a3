/**
 * Offline `/ask` (no text generator) quotes passages only when the best one is evidence: below the service's
 * `ASK_MIN_EVIDENCE` it answers INFO NOT FOUND with `noResult`, JSON and streamed alike; a model, which judges the
 * passages itself, still gets them. Search is injected (the core touches no database).
 */
import { describe, expect, it, vi } from "vitest";
import type { TextGenerator } from "../../../lib/ai/index";
import { answerQuestion, type SearchFn, streamAnswer, WEAK_EVIDENCE_REASON } from "../../../lib/memory/answer/answer";
import type { Answering, Citation, MemoryAnswer } from "../../../lib/memory/types";
import { countTokens } from "../../../lib/partition/index";

const FLOOR = 0.2;
const passage = (relevance: number): Citation => ({
  link: "default/doc/f-doc",
  index: "default",
  documentId: "doc",
  fileId: "f-doc",
  sourceContentType: "text/plain",
  sourceName: "doc.txt",
  sourceUrl: null,
  partitions: [
    {
      text: "Deploys go out on Tuesdays after the review.",
      relevance,
      partitionNumber: 0,
      sectionNumber: 0,
      lastUpdate: "2026-01-02T03:04:05Z",
      tags: {},
    },
  ],
});
const search = (relevance: number) =>
  vi.fn<SearchFn>(async (_ctx, input) => ({ query: input.query, noResult: false, results: [passage(relevance)] }));
const context = (generator?: TextGenerator): Answering => ({
  db: undefined as never,
  config: { ASK_MIN_EVIDENCE: FLOOR } as never,
  embedder: undefined as never,
  ...(generator ? { generator } : {}),
  tokenCounter: async () => countTokens,
});
const ask = { index: "default", question: "When do deploys go out?", filters: [], minRelevance: 0 };

describe("offline answers need evidence", () => {
  it("answers INFO NOT FOUND below the floor and quotes at or above it", async () => {
    const weak = await answerQuestion(context(), ask, search(FLOOR - 0.01));
    expect(weak).toMatchObject({ noResult: true, noResultReason: WEAK_EVIDENCE_REASON, text: "INFO NOT FOUND" });
    expect(weak.relevantSources).toEqual([]);
    const strong = await answerQuestion(context(), ask, search(FLOOR));
    expect(strong.noResult).toBe(false);
    expect(strong.relevantSources.map((c) => c.documentId)).toEqual(["doc"]);
  });

  it("streams the same refusal", async () => {
    const records: MemoryAnswer[] = [];
    for await (const r of streamAnswer(context(), ask, search(0.05))) records.push(r);
    expect(records.map((r) => [r.streamState, r.noResult, r.noResultReason])).toEqual([
      ["reset", true, WEAK_EVIDENCE_REASON],
      ["last", true, WEAK_EVIDENCE_REASON],
    ]);
  });

  it("leaves a model to judge weak passages itself", async () => {
    const generator: TextGenerator = {
      id: "fake",
      maxInputTokens: 4000,
      generate: vi.fn(async () => ({ text: "On Tuesdays. [1]", usage: { inputTokens: 1, outputTokens: 1 } })),
    } as unknown as TextGenerator;
    const answer = await answerQuestion(context(generator), ask, search(0.05));
    expect(answer.noResult).toBe(false);
    expect(generator.generate).toHaveBeenCalledOnce();
  });
});

/**
 * The ask core as a spec: retrieval is a canned search (the database path is covered by the
 * route tests), generation is the real generators against the local OpenAI and Workers AI fakes.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createOpenAICompatibleGenerator } from "../../../lib/ai/index";
import { DatabaseUnavailable } from "../../../lib/db/errors";
import { ValidationError } from "../../../lib/errors";
import { answerQuestion, NO_MEMORIES_REASON, NO_ROOM_REASON, streamAnswer } from "../../../lib/memory/answer/answer";
import { DEFAULT_FACT_TEMPLATE } from "../../../lib/memory/answer/args";
import { MATCHED_HEADER, splitSentences, UNMATCHED_HEADER } from "../../../lib/memory/answer/extractive";
import { packFacts, renderFact } from "../../../lib/memory/answer/facts";
import type { Citation, Partition } from "../../../lib/memory/types";
import { countTokens } from "../../../lib/partition/index";
import { ask, citation, context, corpus, fakeSearch, partition } from "../../helpers/ask-fixtures.js";
import { startFakeOpenAI } from "../../helpers/fake-openai";

// Tests that expect warnings silence console.error; never let that leak into the next test.
afterEach(() => {
  vi.restoreAllMocks();
});

// ---------- retrieval and input ----------

describe("ask: retrieval and input", () => {
  it("asks search for the question with KM's max matches (default 30, capped at 100)", async () => {
    const search = fakeSearch(corpus());
    await answerQuestion(context(), ask("How many pools?"), search);
    expect(search.mock.calls[0]![1]).toEqual({
      index: "default",
      query: "How many pools?",
      filters: [],
      minRelevance: 0.3,
      limit: 30,
    });

    await answerQuestion(context(), ask("How many pools?", { custom_rag_max_matches_count_int: "5" }), search);
    expect(search.mock.calls[1]![1]).toMatchObject({ limit: 5, args: { custom_rag_max_matches_count_int: "5" } });
    await answerQuestion(context(), ask("How many pools?", { custom_rag_max_matches_count_int: 500 }), search);
    expect(search.mock.calls[2]![1].limit).toBe(100);
  });

  it("rejects an empty question and unusable args before searching", async () => {
    const search = fakeSearch(corpus());
    await expect(answerQuestion(context(), ask("   "), search)).rejects.toBeInstanceOf(ValidationError);
    await expect(
      answerQuestion(context(), ask("Why?", { custom_rag_max_matches_count_int: "many" }), search),
    ).rejects.toThrow(/custom_rag_max_matches_count_int must be an integer/);
    // The stream validates on the call, so the HTTP edge can still answer 400.
    expect(() => streamAnswer(context(), ask(""), search)).toThrow(ValidationError);
    expect(search).not.toHaveBeenCalled();
  });

  it("answers INFO NOT FOUND when nothing clears minRelevance", async () => {
    const answer = await answerQuestion(context(), ask("Who won the 1998 world cup?"), fakeSearch([]));
    expect(answer).toEqual({
      question: "Who won the 1998 world cup?",
      noResult: true,
      noResultReason: NO_MEMORIES_REASON,
      text: "INFO NOT FOUND",
      tokenUsage: [],
      relevantSources: [],
    });
  });

  it("uses the caller's empty answer text (custom_rag_empty_answer_str)", async () => {
    const answer = await answerQuestion(
      context(),
      ask("Who won?", { custom_rag_empty_answer_str: "Keine Ahnung" }),
      fakeSearch([]),
    );
    expect(answer).toMatchObject({ noResult: true, text: "Keine Ahnung" });
  });

  it("lets a search failure reject the whole answer (the edge maps it, e.g. 503)", async () => {
    const search = fakeSearch(async () => {
      throw new DatabaseUnavailable("53300", 2);
    });
    await expect(answerQuestion(context(), ask("Why?"), search)).rejects.toBeInstanceOf(DatabaseUnavailable);
  });
});

// ---------- packing ----------

describe("ask: packing facts into the budget", () => {
  const sized = (word: string, relevance: number, n: number) =>
    partition(Array.from({ length: 60 }, (_, i) => `${word}${i}`).join(" "), relevance, n);
  // Two documents, partitions interleaved by relevance: .9 a, .8 b, .7 a, .6 b, .5 a.
  const results = () => [
    citation("a", "a.md", [sized("alpha", 0.9, 0), sized("gamma", 0.7, 1), sized("epsilon", 0.5, 2)]),
    citation("b", "b.md", [sized("beta", 0.8, 0), sized("delta", 0.6, 1)]),
  ];
  const tokensOf = (c: Citation, p: Partition) => countTokens(`${renderFact(DEFAULT_FACT_TEMPLATE, c, p, p.text)}\n`);

  it("keeps the most relevant partitions across citations and drops the rest when the budget is full", () => {
    const [a, b] = results();
    const budget = tokensOf(a!, a!.partitions[0]!) + tokensOf(b!, b!.partitions[0]!) + tokensOf(a!, a!.partitions[1]!);
    const packed = packFacts([a!, b!], {
      budget: budget + 5,
      template: DEFAULT_FACT_TEMPLATE,
      includeDuplicates: false,
      count: countTokens,
    });
    expect(packed.facts.map((f) => f.partition.relevance)).toEqual([0.9, 0.8, 0.7]);
    expect(packed.available).toBe(5);
    expect(packed.text).toContain("==== [File:a.md;Relevance:90.0%]:\nalpha0 alpha1");
    expect(packed.text).not.toContain("delta0");
    expect(packed.text).not.toContain("epsilon0");
  });

  it("skips a fact too large for the room left and still packs smaller, less relevant ones", () => {
    const big = partition(Array.from({ length: 400 }, (_, i) => `huge${i}`).join(" "), 0.95, 0);
    const small = partition("A short but relevant note.", 0.5, 0);
    const results = [citation("big", "big.md", [big]), citation("small", "small.md", [small])];
    const packed = packFacts(results, {
      budget: 100,
      template: DEFAULT_FACT_TEMPLATE,
      includeDuplicates: false,
      count: countTokens,
    });
    expect(packed.facts.map((f) => f.citation.documentId)).toEqual(["small"]);
  });

  it("sends a duplicate text once but still cites both copies", () => {
    const results = [
      citation("one", "one.md", [partition("Same words here.", 0.9)]),
      citation("two", "two.md", [partition("Same words here.", 0.8)]),
    ];
    const packed = packFacts(results, {
      budget: 1000,
      template: DEFAULT_FACT_TEMPLATE,
      includeDuplicates: false,
      count: countTokens,
    });
    expect(packed.facts.map((f) => f.citation.documentId)).toEqual(["one", "two"]);
    expect(packed.text.match(/Same words here/g)).toHaveLength(1);
  });

  it("answers noResult when memories exist but not one fits the model's budget", async () => {
    const fake = await startFakeOpenAI();
    try {
      const tiny = createOpenAICompatibleGenerator({ baseURL: fake.baseURL, model: "m", maxInputTokens: 200 });
      const answer = await answerQuestion(context(tiny), ask("Why one pool?"), fakeSearch(corpus()));
      expect(answer).toMatchObject({ noResult: true, noResultReason: NO_ROOM_REASON, text: "INFO NOT FOUND" });
      expect(fake.chatRequests()).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });
});

// ---------- extractive ----------

describe("ask without a generator: extractive answer", () => {
  it("quotes the sentence holding the question's rare term and cites its source", async () => {
    const answer = await answerQuestion(
      context(),
      ask("Which SQLSTATE did Postgres answer when the slots ran out?"),
      fakeSearch(corpus()),
    );
    expect(answer.noResult).toBe(false);
    expect(answer.noResultReason).toBeNull();
    // No service was called: tokenizer counts of what the quoting read and wrote, no service tokens.
    expect(answer.tokenUsage).toHaveLength(1);
    const usage = answer.tokenUsage[0]!;
    expect(usage).toMatchObject({ serviceType: "offline", modelType: "TextGeneration", modelName: "extractive" });
    expect(usage.tokenizerTokensOut).toBe(countTokens(answer.text));
    expect(usage.tokenizerTokensIn).toBeGreaterThan(
      countTokens("Which SQLSTATE did Postgres answer when the slots ran out?"),
    );
    expect(usage).not.toHaveProperty("serviceTokensIn");
    expect(usage).not.toHaveProperty("serviceTokensOut");
    const lines = answer.text.split("\n");
    expect(lines[0]).toBe(MATCHED_HEADER);
    expect(lines[1]).toBe("- Production databases ran out of slots and Postgres answered SQLSTATE 53300. [1]");
    expect(answer.text).toMatch(/\n\nSources:\n\[1\] incident\.md \(incident-7\)/);
    expect(answer.relevantSources[0]).toMatchObject({ documentId: "incident-7", sourceName: "incident.md" });
    // Only what is quoted is cited: the coffee note was retrieved but is neither quoted nor a source.
    expect(answer.text).not.toContain("coffee");
    expect(answer.relevantSources.map((c) => c.documentId)).not.toContain("misc");
    for (const [i, source] of answer.relevantSources.entries()) {
      expect(answer.text).toContain(`[${i + 1}] ${source.sourceName} (${source.documentId})`);
      for (const p of source.partitions) {
        expect(corpus().flatMap((c) => c.partitions.map((q) => q.text))).toContain(p.text);
      }
    }
  });

  it("numbers citations in reading order and limits each to the partitions quoted", async () => {
    const answer = await answerQuestion(
      context(),
      ask("Does every handler reuse the database handle, and when are idle clients closed?"),
      fakeSearch(corpus()),
    );
    const markers = [...answer.text.matchAll(/^- .* \[(\d+)\]$/gm)].map((m) => Number(m[1]));
    expect(markers[0]).toBe(1);
    expect(Math.max(...markers)).toBe(answer.relevantSources.length);
    const guide = answer.relevantSources.find((c) => c.documentId === "guide")!;
    expect(guide.partitions.map((p) => p.partitionNumber).sort()).toEqual([0, 1]);
    expect(answer.text).toContain("Idle clients are closed after thirty seconds.");
  });

  it("falls back to the most relevant passage when no word is shared, and says so", async () => {
    const answer = await answerQuestion(context(), ask("Wo steht die Kaffeemaschine?"), fakeSearch(corpus()));
    expect(answer.noResult).toBe(false);
    expect(answer.text.split("\n")[0]).toBe(UNMATCHED_HEADER);
    expect(answer.text).toContain("- Each instance creates one database handle at module scope. [1]");
    expect(answer.relevantSources.map((c) => c.documentId)).toEqual(["guide"]);
  });

  it("splits hard-wrapped prose, list items and abbreviations sensibly", () => {
    expect(
      splitSentences(
        "# Pools\n\nUse one pool per\ninstance, e.g. a module-scope Pool. Never one per request!\n- first item\n- second item",
      ),
    ).toEqual([
      "Use one pool per instance, e.g. a module-scope Pool.",
      "Never one per request!",
      "first item",
      "second item",
    ]);
  });
});

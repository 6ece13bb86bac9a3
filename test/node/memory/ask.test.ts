/**
 * The ask core as a spec: retrieval is a canned search (the database path is covered by the
 * route tests), generation is the real generators against the local OpenAI and Workers AI fakes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOpenAICompatibleGenerator, createWorkersAIGenerator, type TextGenerator } from "../../../lib/ai/index";
import { DatabaseUnavailable } from "../../../lib/db/errors";
import { ValidationError } from "../../../lib/errors";
import {
  answerQuestion,
  MODEL_NO_ANSWER_REASON,
  NO_MEMORIES_REASON,
  NO_ROOM_REASON,
  type SearchFn,
  streamAnswerWith,
} from "../../../lib/memory/answer/answer";
import { DEFAULT_FACT_TEMPLATE } from "../../../lib/memory/answer/args";
import { MATCHED_HEADER, splitSentences, UNMATCHED_HEADER } from "../../../lib/memory/answer/extractive";
import { packFacts, renderFact } from "../../../lib/memory/answer/facts";
import type { AskInput, Citation, MemoryAnswer, MemoryContext, Partition } from "../../../lib/memory/types";
import { countTokens } from "../../../lib/partition/index";
import { type FakeOpenAI, startFakeOpenAI } from "../../helpers/fake-openai";
import { createFakeAiBinding, type FakeWorkersAI, startFakeWorkersAI } from "../../helpers/fake-workers-ai";

// ---------- fixtures ----------

function partition(text: string, relevance: number, partitionNumber = 0): Partition {
  return { text, relevance, partitionNumber, sectionNumber: 0, lastUpdate: "2026-01-02T03:04:05Z", tags: {} };
}

function citation(documentId: string, sourceName: string, partitions: Partition[]): Citation {
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

const GUIDE_TOP =
  "Each instance creates one database handle at module scope. Every handler reuses it across warm invocations. " +
  "The handle is bounded by its max setting.";
const GUIDE_IDLE =
  "Idle clients are closed after thirty seconds. An error listener keeps the process alive when an idle client fails.";
const INCIDENT =
  "Kernel Memory's connector built a new pool per client. Production databases ran out of slots and Postgres " +
  "answered SQLSTATE 53300. The fix was a single shared pool.";
const COFFEE = "The office coffee machine is on the third floor.";

/** Search order: citations by their best partition, as the real search returns them. */
function corpus(): Citation[] {
  return [
    citation("guide", "pool-guide.md", [partition(GUIDE_TOP, 0.82, 0), partition(GUIDE_IDLE, 0.61, 1)]),
    citation("incident-7", "incident.md", [partition(INCIDENT, 0.74, 0)]),
    citation("misc", "misc.txt", [partition(COFFEE, 0.4, 0)]),
  ];
}

function fakeSearch(results: Citation[] | (() => Promise<Citation[]>)) {
  return vi.fn<SearchFn>(async (_ctx, input) => {
    const found = typeof results === "function" ? await results() : results;
    return { query: input.query, noResult: found.length === 0, results: found };
  });
}

function context(generator?: TextGenerator): MemoryContext {
  // The ask core touches neither the database nor the embedder: search is injected.
  return {
    db: undefined as never,
    config: undefined as never,
    embedder: undefined as never,
    ...(generator ? { generator } : {}),
    waitUntil: () => {},
    startJob: async () => undefined,
  };
}

function ask(question: string, args?: Record<string, unknown>): AskInput {
  return { index: "default", question, filters: [], minRelevance: 0.3, ...(args ? { args } : {}) };
}

async function collect(stream: AsyncIterable<MemoryAnswer>): Promise<MemoryAnswer[]> {
  const out: MemoryAnswer[] = [];
  for await (const record of stream) out.push(record);
  return out;
}

/** Kernel Memory's own client fold (`SearchClient.AskAsync` over `AskStreamingAsync`). */
function fold(records: MemoryAnswer[]): Omit<MemoryAnswer, "streamState"> {
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

const states = (records: MemoryAnswer[]) => records.map((r) => r.streamState);

/** KM's stream shape: reset first, last at the end, only appends (at least two) between. */
function expectResetAppendsLast(records: MemoryAnswer[]): void {
  expect(states(records)[0]).toBe("reset");
  expect(states(records).at(-1)).toBe("last");
  expect(
    states(records)
      .slice(1, -1)
      .every((s) => s === "append"),
  ).toBe(true);
  expect(records.length).toBeGreaterThan(3);
}

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
    expect(() => streamAnswerWith(context(), ask(""), search)).toThrow(ValidationError);
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

// ---------- generator ----------

describe("ask with the OpenAI-compatible generator", () => {
  let fake: FakeOpenAI;
  let reply = "Each instance keeps one database handle and reuses it (source: pool-guide.md).";
  let generator: TextGenerator;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: "sk-ask-test-0123456789", reply: () => reply });
    generator = createOpenAICompatibleGenerator({
      baseURL: fake.baseURL,
      apiKey: "sk-ask-test-0123456789",
      model: "gpt-4o-mini",
      maxRetries: 0,
    });
  });
  afterEach(() => {
    fake.reset();
    reply = "Each instance keeps one database handle and reuses it (source: pool-guide.md).";
  });
  afterAll(() => fake.close());

  it("answers from the packed facts and reports token usage", async () => {
    const answer = await answerQuestion(
      context(generator),
      ask("Why does each instance keep one handle"),
      fakeSearch(corpus()),
    );
    expect(answer).toMatchObject({ noResult: false, noResultReason: null, text: reply });
    expect(answer.relevantSources.map((c) => c.documentId)).toEqual(["guide", "incident-7", "misc"]);
    expect(answer.tokenUsage).toHaveLength(1);
    const [usage] = answer.tokenUsage;
    expect(usage).toMatchObject({
      serviceType: "openai",
      modelType: "TextGeneration",
      modelName: "gpt-4o-mini",
      tokenizerTokensOut: countTokens(reply),
      serviceTokensOut: reply.split(/\s+/).length,
    });
    expect(usage!.tokenizerTokensIn).toBeGreaterThan(100);
    expect(usage!.serviceTokensIn).toBeGreaterThan(50);
    expect(Date.parse(usage!.timestamp)).not.toBeNaN();

    const [request] = fake.chatRequests();
    const messages = request!.body.messages as Array<{ role: string; content: string }>;
    expect(request!.body.max_tokens).toBe(300);
    expect(messages[0]).toMatchObject({ role: "system" });
    expect(messages[0]!.content).toContain("reply with exactly: INFO NOT FOUND");
    expect(messages[1]!.content).toContain(`==== [File:pool-guide.md;Relevance:82.0%]:\n${GUIDE_TOP}`);
    // KM's question form: trimmed, with a question mark.
    expect(messages[1]!.content).toMatch(/Question: Why does each instance keep one handle\?\nAnswer:$/);
  });

  it("cites only the partitions that fit into the model's prompt", async () => {
    const small = createOpenAICompatibleGenerator({
      baseURL: fake.baseURL,
      apiKey: "sk-ask-test-0123456789",
      model: "m",
      // About 105 tokens left for facts: the two most relevant (45 + 50) fit, the next two (37, 25) do not.
      maxInputTokens: 545,
    });
    const answer = await answerQuestion(context(small), ask("Why one handle?"), fakeSearch(corpus()));
    const prompt = (fake.chatRequests()[0]!.body.messages as Array<{ content: string }>)[1]!.content;
    const used = answer.relevantSources.flatMap((c) => c.partitions.map((p) => p.text));
    const all = corpus().flatMap((c) => c.partitions.map((p) => p.text));
    expect(used.length).toBeGreaterThan(0);
    expect(used.length).toBeLessThan(all.length);
    for (const text of all) expect(prompt.includes(text)).toBe(used.includes(text));
    // What was dropped is the least relevant.
    expect(used).toEqual([GUIDE_TOP, INCIDENT]);
  });

  it("takes the model's INFO NOT FOUND (any case, with punctuation) as no result", async () => {
    reply = " Info not found. ";
    const answer = await answerQuestion(context(generator), ask("What is the CEO's name?"), fakeSearch(corpus()));
    expect(answer).toMatchObject({
      noResult: true,
      noResultReason: MODEL_NO_ANSWER_REASON,
      text: "INFO NOT FOUND",
      relevantSources: [],
    });
    expect(answer.tokenUsage).toHaveLength(1);
  });

  it("falls back to the extractive answer when generation fails, and logs a warning", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.failNext(1, { status: 500, message: "upstream exploded" });
    const answer = await answerQuestion(
      context(generator),
      ask("Which SQLSTATE did Postgres answer?"),
      fakeSearch(corpus()),
    );
    expect(answer).toMatchObject({ noResult: false, noResultReason: null });
    // The failed call reported nothing; what answered is the extractive fallback.
    expect(answer.tokenUsage.map((u) => [u.serviceType, u.modelName, u.serviceTokensIn])).toEqual([
      ["offline", "extractive", undefined],
    ]);
    expect(answer.text.startsWith(MATCHED_HEADER)).toBe(true);
    expect(answer.text).toContain("SQLSTATE 53300");
    expect(logged.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/"event":"ask.generation_failed"/);
    expect(logged.mock.calls.join("\n")).not.toContain("sk-ask-test-0123456789");
  });

  it("streams reset with sources, the model's deltas, then last with usage", async () => {
    const records = await collect(streamAnswerWith(context(generator), ask("Why one handle?"), fakeSearch(corpus())));
    expectResetAppendsLast(records);
    expect(records[0]!.relevantSources.map((c) => c.documentId)).toEqual(["guide", "incident-7", "misc"]);
    expect(records.slice(1).every((r) => r.relevantSources.length === 0)).toBe(true);
    expect(
      records
        .slice(1, -1)
        .map((r) => r.text)
        .join(""),
    ).toBe(reply);
    expect(records.at(-1)!.tokenUsage[0]).toMatchObject({ modelName: "gpt-4o-mini", serviceTokensOut: 11 });

    const whole = await answerQuestion(context(generator), ask("Why one handle?"), fakeSearch(corpus()));
    const folded = fold(records);
    expect({ ...folded, tokenUsage: [] }).toEqual({ ...whole, tokenUsage: [] });
  });

  it("holds back a streamed INFO NOT FOUND and ends with a no-result reset", async () => {
    reply = "INFO NOT FOUND";
    const records = await collect(streamAnswerWith(context(generator), ask("CEO?"), fakeSearch(corpus())));
    expect(states(records)).toEqual(["reset", "reset", "last"]);
    expect(records[1]).toMatchObject({
      noResult: true,
      noResultReason: MODEL_NO_ANSWER_REASON,
      text: "INFO NOT FOUND",
    });
    expect(records[2]).toMatchObject({ noResult: true, noResultReason: MODEL_NO_ANSWER_REASON, text: "" });
    expect(fold(records)).toMatchObject({ noResult: true, text: "INFO NOT FOUND", relevantSources: [] });
  });

  it("ends with an error record when the model fails mid-answer", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    fake.breakNextStream("The model crashed mid-answer");
    const records = await collect(streamAnswerWith(context(generator), ask("Why one handle?"), fakeSearch(corpus())));
    expect(states(records)).toEqual(["reset", "append", "error"]);
    expect(records[1]!.text).toBe("Each ");
    expect(records[2]).toMatchObject({ noResult: true, text: "", relevantSources: [] });
    expect(records[2]!.noResultReason).toMatch(/The model crashed mid-answer/);
  });

  it("streams the extractive answer instead when the model fails before its first word", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    fake.failNext(1, { status: 500 });
    const search = fakeSearch(corpus());
    const records = await collect(streamAnswerWith(context(generator), ask("Which SQLSTATE was it?"), search));
    expect(states(records).slice(0, 2)).toEqual(["reset", "reset"]);
    expect(states(records).at(-1)).toBe("last");
    const extractive = await answerQuestion(context(), ask("Which SQLSTATE was it?"), search);
    expect(fold(records)).toEqual(extractive);
  });
});

describe("ask with the Workers AI generator (binding)", () => {
  let fake: FakeWorkersAI;
  const reply = "One handle per isolate, reused by every handler (source: pool-guide.md).";
  let generator: TextGenerator;
  beforeAll(async () => {
    fake = await startFakeWorkersAI({ reply: () => reply });
    generator = createWorkersAIGenerator({ binding: createFakeAiBinding(fake) });
  });
  afterAll(() => fake.close());

  it("answers and streams through the binding", async () => {
    const answer = await answerQuestion(context(generator), ask("Why one handle?"), fakeSearch(corpus()));
    expect(answer).toMatchObject({ noResult: false, text: reply });
    expect(answer.tokenUsage[0]).toMatchObject({
      serviceType: "workers-ai",
      modelName: "@cf/meta/llama-3.1-8b-instruct",
      serviceTokensOut: reply.split(" ").length,
    });
    expect(fake.runs[0]!.inputs).toMatchObject({ max_tokens: 300 });

    const records = await collect(streamAnswerWith(context(generator), ask("Why one handle?"), fakeSearch(corpus())));
    expect(states(records)[0]).toBe("reset");
    expect(states(records).at(-1)).toBe("last");
    expect(fold(records).text).toBe(reply);
  });
});

// ---------- streaming, extractive and failures ----------

describe("streamAnswerWith without a generator", () => {
  it("streams reset, appends, last; the appends add up to the non-streamed answer", async () => {
    const question = "Does every handler reuse the database handle, and when are idle clients closed?";
    const records = await collect(streamAnswerWith(context(), ask(question), fakeSearch(corpus())));
    const whole = await answerQuestion(context(), ask(question), fakeSearch(corpus()));
    expectResetAppendsLast(records);
    expect(records[0]!.text).toBe("");
    expect(records[0]!.relevantSources).toEqual(whole.relevantSources);
    expect(
      records
        .slice(1, -1)
        .map((r) => r.text)
        .join(""),
    ).toBe(whole.text);
    // The usage rides on the last record, as KM's; only its timestamp differs between the two runs.
    const stamp = (a: { tokenUsage: Array<{ timestamp: string }> }) => ({
      ...a,
      tokenUsage: a.tokenUsage.map((u) => ({ ...u, timestamp: "" })),
    });
    expect(records.at(-1)!.tokenUsage).toHaveLength(1);
    expect(stamp(fold(records))).toEqual(stamp(whole));
  });

  it("streams no result as a no-result reset and a last", async () => {
    const records = await collect(streamAnswerWith(context(), ask("Who won?"), fakeSearch([])));
    expect(states(records)).toEqual(["reset", "last"]);
    expect(records[0]).toMatchObject({ noResult: true, noResultReason: NO_MEMORIES_REASON, text: "INFO NOT FOUND" });
    expect(records[1]).toMatchObject({ noResult: true, noResultReason: NO_MEMORIES_REASON, text: "" });
    expect(fold(records)).toEqual(await answerQuestion(context(), ask("Who won?"), fakeSearch([])));
  });

  it("turns a search failure into a single readable error record instead of throwing", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const search = fakeSearch(async () => {
      throw new DatabaseUnavailable("53300", 2);
    });
    const records = await collect(streamAnswerWith(context(), ask("Why?"), search));
    expect(records).toEqual([
      {
        streamState: "error",
        question: "Why?",
        noResult: true,
        noResultReason: "The database is temporarily unavailable; retry shortly.",
        text: "",
        tokenUsage: [],
        relevantSources: [],
      },
    ]);

    const bug = fakeSearch(async () => {
      throw new Error("relation chunks_secret_internal does not exist");
    });
    const [error] = await collect(streamAnswerWith(context(), ask("Why?"), bug));
    expect(error!.noResultReason).toBe("An unexpected error occurred while answering.");
  });
});

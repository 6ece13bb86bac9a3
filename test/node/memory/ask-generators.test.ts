/**
 * The ask core as a spec: retrieval is a canned search (the database path is covered by the
 * route tests), generation is the real generators against the local OpenAI and Workers AI fakes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOpenAICompatibleGenerator, createWorkersAIGenerator, type TextGenerator } from "../../../lib/ai/index";
import { DatabaseUnavailable } from "../../../lib/db/errors";
import {
  answerQuestion,
  MODEL_NO_ANSWER_REASON,
  NO_MEMORIES_REASON,
  streamAnswer,
} from "../../../lib/memory/answer/answer";
import { MATCHED_HEADER } from "../../../lib/memory/answer/extractive";
import type { MemoryAnswer } from "../../../lib/memory/types";
import { countTokens } from "../../../lib/partition/index";
import {
  ask,
  collect,
  context,
  corpus,
  expectResetAppendsLast,
  fakeSearch,
  fold,
  GUIDE_TOP,
  INCIDENT,
  states,
} from "../../helpers/ask-fixtures.js";
import { type FakeOpenAI, startFakeOpenAI } from "../../helpers/fake-openai";
import { createFakeAiBinding, type FakeWorkersAI, startFakeWorkersAI } from "../../helpers/fake-workers-ai";

// Tests that expect warnings silence console.error; never let that leak into the next test.
afterEach(() => {
  vi.restoreAllMocks();
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
    const records = await collect(streamAnswer(context(generator), ask("Why one handle?"), fakeSearch(corpus())));
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
    const records = await collect(streamAnswer(context(generator), ask("CEO?"), fakeSearch(corpus())));
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
    const records = await collect(streamAnswer(context(generator), ask("Why one handle?"), fakeSearch(corpus())));
    expect(states(records)).toEqual(["reset", "append", "error"]);
    expect(records[1]!.text).toBe("Each ");
    expect(records[2]).toMatchObject({ noResult: true, text: "", relevantSources: [] });
    expect(records[2]!.noResultReason).toMatch(/The model crashed mid-answer/);
  });

  it("streams the extractive answer instead when the model fails before its first word", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    fake.failNext(1, { status: 500 });
    const search = fakeSearch(corpus());
    const records = await collect(streamAnswer(context(generator), ask("Which SQLSTATE was it?"), search));
    expect(states(records).slice(0, 2)).toEqual(["reset", "reset"]);
    expect(states(records).at(-1)).toBe("last");
    const extractive = await answerQuestion(context(), ask("Which SQLSTATE was it?"), search);
    // The same answer; only the moment each usage record was stamped may differ.
    const stamped = (a: MemoryAnswer) => ({
      ...a,
      tokenUsage: a.tokenUsage.map((u) => ({ ...u, timestamp: expect.any(String) })),
    });
    expect(extractive.tokenUsage.length).toBeGreaterThan(0);
    expect(fold(records)).toEqual(stamped(extractive));
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

    const records = await collect(streamAnswer(context(generator), ask("Why one handle?"), fakeSearch(corpus())));
    expect(states(records)[0]).toBe("reset");
    expect(states(records).at(-1)).toBe("last");
    expect(fold(records).text).toBe(reply);
  });
});

// ---------- streaming, extractive and failures ----------

describe("streamAnswer without a generator", () => {
  it("streams reset, appends, last; the appends add up to the non-streamed answer", async () => {
    const question = "Does every handler reuse the database handle, and when are idle clients closed?";
    const records = await collect(streamAnswer(context(), ask(question), fakeSearch(corpus())));
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
    const records = await collect(streamAnswer(context(), ask("Who won?"), fakeSearch([])));
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
    const records = await collect(streamAnswer(context(), ask("Why?"), search));
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
    const [error] = await collect(streamAnswer(context(), ask("Why?"), bug));
    expect(error!.noResultReason).toBe("An unexpected error occurred while answering.");
  });
});

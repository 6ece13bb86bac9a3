/**
 * `POST /ask` through the real Node server, answering with a generator served
 * by the local OpenAI stand-in: JSON answers, the SSE stream
 * (`data: <MemoryAnswer>` … `data: [DONE]`), a stream that breaks mid-answer,
 * and 4xx ProblemDetails for bad input.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiServer,
  expectProblem,
  readSse,
  startApiServer,
  uploadKm,
  waitForIngestion,
} from "../../helpers/api.js";
import { type FakeOpenAI, startFakeOpenAI } from "../../helpers/fake-openai.js";

type MemoryAnswer = {
  streamState?: string;
  question: string;
  noResult: boolean;
  noResultReason: string | null;
  text: string;
  tokenUsage: unknown[];
  relevantSources: Array<{ documentId: string; partitions: unknown[] }>;
};

let api: ApiServer;
let openai: FakeOpenAI;

beforeAll(async () => {
  openai = await startFakeOpenAI({
    reply: () => "Connection pools are created once per instance, so they never fan out.",
  });
  api = await startApiServer({
    // Every ask here is answered live (the answer cache has its own tests: ask-cache.test.ts).
    ASK_CACHE_TTL_S: "0",
    GENERATION_PROVIDER: "openai",
    GENERATION_MODEL: "fake-chat",
    OPENAI_BASE_URL: openai.baseURL,
  });
  const res = await uploadKm(api, {
    index: "Ask Docs",
    documentId: "pools",
    tags: ["topic:db"],
    files: [
      {
        name: "pools.md",
        bytes:
          "# Pools\n\nThe service creates one database pool per instance and reuses it across requests, so connections never fan out.",
      },
    ],
  });
  expect(res.status).toBe(202);
  await waitForIngestion(api, "ask-docs", "pools");
});

afterEach(() => openai.reset());

afterAll(async () => {
  await api?.close();
  await openai?.close();
});

describe("happy path", () => {
  it("answers the .NET client's request with a MemoryAnswer citing the source", async () => {
    const res = await api.postJson("/ask", {
      index: "ask-docs",
      question: "How many database pools does the service create?",
      filters: [{}],
      minRelevance: 0,
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const answer = JSON.parse(text) as MemoryAnswer;
    expect(answer).toMatchObject({
      question: "How many database pools does the service create?",
      noResult: false,
      text: "Connection pools are created once per instance, so they never fan out.",
    });
    expect(answer.relevantSources.map((s) => s.documentId)).toContain("pools");
    expect(Array.isArray(answer.tokenUsage)).toBe(true);
    expect(openai.chatRequests()).toHaveLength(1);
  });

  it("says INFO NOT FOUND for a missing index, without asking the model", async () => {
    const res = await api.postJson("/ask", { index: null, question: "Anything?", filters: [{}] });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as MemoryAnswer;
    expect(answer).toMatchObject({ noResult: true, text: "INFO NOT FOUND", relevantSources: [] });
    expect(openai.chatRequests()).toHaveLength(0);
  });

  it("streams MemoryAnswer events, then [DONE]", async () => {
    const res = await api.postJson("/ask", { index: "ask-docs", question: "How are pools reused?", stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    const answers = events.slice(0, -1).map((e) => JSON.parse(e) as MemoryAnswer);
    expect(answers.length).toBeGreaterThanOrEqual(2);
    expect(answers.every((a) => a.question === "How are pools reused?")).toBe(true);
    expect(answers.map((a) => a.streamState)).not.toContain("error");
    expect(answers.at(-1)!.streamState).toBe("last");
    const streamed = answers
      .filter((a) => a.streamState === "append" || a.streamState === "reset")
      .map((a) => a.text)
      .join("");
    expect(streamed).toContain("never fan out");
  });

  it("applies filters: a filter nothing matches means no result", async () => {
    const res = await api.postJson("/ask", {
      index: "ask-docs",
      question: "How are pools reused?",
      filters: [{ topic: ["cooking"] }],
    });
    expect(((await res.json()) as MemoryAnswer).noResult).toBe(true);
  });
});

describe("errors", () => {
  it("ends a stream that breaks mid-answer with an error event, then [DONE]", async () => {
    openai.breakNextStream("upstream went away");
    const res = await api.postJson("/ask", { index: "ask-docs", question: "How are pools reused?", stream: true });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    const answers = events.slice(0, -1).map((e) => JSON.parse(e) as MemoryAnswer);
    expect(answers.at(-1)!.streamState).toBe("error");
  });

  const cases: Array<[string, unknown, RegExp]> = [
    ["an empty question", { question: "" }, /question/],
    ["a blank question", { question: "   " }, /question: must not be empty/],
    ["no question", { index: "ask-docs" }, /question/],
    ["a question over 10k characters", { question: "q".repeat(10_001) }, /question: must be at most 10000/],
    ["a question with NUL", { question: "why\u0000" }, /NUL/],
    ["stream that is not a boolean", { question: "q", stream: "yes" }, /stream/],
    ["bad filters", { question: "q", filters: [{ a: { b: 1 } }] }, /filters\[0\]\.a/],
    ["minRelevance below -1", { question: "q", minRelevance: -1.5 }, /minRelevance/],
  ];
  it.each(cases)("400 for %s", async (_label, body, detail) => {
    const problem = await expectProblem(await api.postJson("/ask", body), 400);
    expect(problem.detail).toMatch(detail);
  });

  it("400 for invalid JSON and 415 for a non-JSON body", async () => {
    await expectProblem(
      await api.call("/ask", { method: "POST", body: "{,}", headers: { "content-type": "application/json" } }),
      400,
    );
    await expectProblem(
      await api.call("/ask", {
        method: "POST",
        body: "question=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
    );
  });

  it("never answers 5xx to arbitrary JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            index: fc.oneof(fc.constant(null), fc.string({ maxLength: 12 })),
            question: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null)),
            filters: fc.oneof(
              fc.constant([{}]),
              fc.json().map((j) => JSON.parse(j)),
            ),
            minRelevance: fc.oneof(fc.double({ min: -2, max: 2, noNaN: true }), fc.constant(null)),
            stream: fc.oneof(fc.boolean(), fc.constant("true")),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const res = await api.postJson("/ask", body);
          const text = await res.text();
          expect(res.status, `${JSON.stringify(body)} → ${text}`).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});

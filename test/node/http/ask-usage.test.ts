/**
 * `/ask` reports Kernel Memory's `tokenUsage` through the HTTP API (issue #20
 * item 6): with a model (the fake OpenAI server reports `usage` as the real
 * API does, in the JSON body and on the stream's last chunk when
 * `stream_options.include_usage` is set), the service counts are the
 * provider's and the tokenizer counts ours, on the JSON answer and on the SSE
 * `last` record; offline (extractive), tokenizer counts only. Field names and
 * shapes are KM's `TokenUsage` (camelCase, nulls left out).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer, waitForIngestion } from "../../helpers/api.js";
import { type FakeOpenAI, countTokens as fakeTokens, startFakeOpenAI } from "../../helpers/fake-openai.js";

const REPLY = "Deploys go out on Tuesdays after the release review.";
const DOC = { index: "usage", documentId: "deploys", text: "Deploys go out on Tuesdays after the release review." };
const QUESTION = { index: "usage", question: "When do deploys go out?" };

type Usage = Record<string, unknown>;
type Answer = { noResult: boolean; text: string; tokenUsage: Usage[]; streamState?: string };

const KM_FIELDS = [
  "timestamp",
  "serviceType",
  "modelType",
  "modelName",
  "tokenizerTokensIn",
  "tokenizerTokensOut",
  "serviceTokensIn",
  "serviceTokensOut",
  "serviceReasoningTokens",
];

async function sse(res: Response): Promise<Answer[]> {
  const text = await res.text();
  const data = [...text.matchAll(/^data: (.*)$/gm)].map((m) => m[1]!);
  expect(data.at(-1)).toBe("[DONE]");
  return data.slice(0, -1).map((d) => JSON.parse(d) as Answer);
}

function expectKmShape(usage: Usage): void {
  for (const key of Object.keys(usage)) expect(KM_FIELDS, key).toContain(key);
  expect(Date.parse(String(usage.timestamp))).not.toBeNaN();
  expect(usage.modelType).toBe("TextGeneration");
}

describe("tokenUsage with a model", () => {
  let fake: FakeOpenAI;
  let api: ApiServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ reply: () => REPLY });
    api = await startApiServer({
      // Every ask here is answered live (the answer cache has its own tests: ask-cache.test.ts).
      ASK_CACHE_TTL_S: "0",
      GENERATION_PROVIDER: "openai",
      GENERATION_MODEL: "fake-chat",
      OPENAI_BASE_URL: fake.baseURL,
    });
    expect((await api.postJson("/upload", DOC)).status).toBe(202);
    await waitForIngestion(api, DOC.index, DOC.documentId);
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  it("fills service tokens from the provider's usage on the JSON answer", async () => {
    const res = await api.postJson("/ask", QUESTION);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Answer;
    expect(answer).toMatchObject({ noResult: false, text: REPLY });
    expect(answer.tokenUsage).toHaveLength(1);
    const usage = answer.tokenUsage[0]!;
    expectKmShape(usage);
    const [request] = fake.chatRequests().slice(-1);
    const sent = request!.body.messages as Array<{ content: string }>;
    expect(usage).toMatchObject({
      serviceType: "openai",
      modelName: "fake-chat",
      serviceTokensIn: sent.reduce((n, m) => n + fakeTokens(m.content), 0),
      serviceTokensOut: fakeTokens(REPLY),
    });
    expect(usage.tokenizerTokensIn).toBeGreaterThan(0);
    expect(usage.tokenizerTokensOut).toBeGreaterThan(0);
  });

  it("puts the same usage on the stream's last record, as KM does", async () => {
    const records = await sse(await api.postJson("/ask", { ...QUESTION, stream: true }));
    const last = records.at(-1)!;
    expect(last.streamState).toBe("last");
    expect(last.tokenUsage).toHaveLength(1);
    expectKmShape(last.tokenUsage[0]!);
    expect(last.tokenUsage[0]).toMatchObject({ serviceType: "openai", serviceTokensOut: fakeTokens(REPLY) });
    expect(last.tokenUsage[0]!.serviceTokensIn).toBeGreaterThan(0);
    expect(fake.chatRequests().at(-1)!.body.stream_options).toEqual({ include_usage: true });
    for (const r of records.slice(0, -1)) expect(r.tokenUsage).toEqual([]);
  });
});

describe("tokenUsage offline (extractive answers)", () => {
  let api: ApiServer;
  beforeAll(async () => {
    // Every ask here is answered live (the answer cache has its own tests: ask-cache.test.ts).
    api = await startApiServer({ ASK_CACHE_TTL_S: "0" });
    expect((await api.postJson("/upload", DOC)).status).toBe(202);
    await waitForIngestion(api, DOC.index, DOC.documentId);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("reports tokenizer counts and no service tokens, on JSON and SSE", async () => {
    const answer = (await (await api.postJson("/ask", QUESTION)).json()) as Answer;
    expect(answer.noResult).toBe(false);
    const records = await sse(await api.postJson("/ask", { ...QUESTION, stream: true }));
    for (const usage of [answer.tokenUsage[0]!, records.at(-1)!.tokenUsage[0]!]) {
      expectKmShape(usage);
      expect(usage).toMatchObject({ serviceType: "offline", modelName: "extractive" });
      expect(usage.tokenizerTokensIn).toBeGreaterThan(0);
      expect(usage.tokenizerTokensOut).toBeGreaterThan(0);
      expect(usage).not.toHaveProperty("serviceTokensIn");
      expect(usage).not.toHaveProperty("serviceTokensOut");
    }
  });
});

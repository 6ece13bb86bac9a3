/**
 * The optional reranking stage: both providers against local servers speaking their real wire formats
 * (Workers AI's `bge-reranker-base` through the binding, a Cohere/Jina-compatible `/rerank`), their
 * configuration, and the stage inside search and ask — off by default, off per request with
 * `args: {"rerank": false}`, results ordered by the relevance they show, and a failing reranker costing
 * only the reranking, never the request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpReranker } from "../../../lib/ai/http-reranker.js";
import { RerankFailed } from "../../../lib/ai/reranker.js";
import { createRerankerFromEnv } from "../../../lib/ai/reranker-config.js";
import { createWorkersAIReranker } from "../../../lib/ai/workers-ai-reranker.js";
import { ConfigError } from "../../../lib/config/env.js";
import { type ApiServer, startApiServer, waitForIngestion } from "../../helpers/api.js";
import { type FakeRerank, startFakeRerank } from "../../helpers/fake-rerank.js";
import { createFakeAiBinding, type FakeWorkersAI, startFakeWorkersAI } from "../../helpers/fake-workers-ai.js";

const FAST = { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 20 };
const PASSAGES = ["the tide tables list high water", "copper lanterns on the quay", "high water and low water tables"];

let workersAI: FakeWorkersAI;
let cohere: FakeRerank;

beforeAll(async () => {
  workersAI = await startFakeWorkersAI();
  // Prefers anything about zeppelins, whatever the query: a ranking no retrieval leg would produce.
  cohere = await startFakeRerank({ score: (_q, d) => (d.includes("zeppelin") ? 0.9 : 0.2) });
});

afterAll(async () => {
  await workersAI?.close();
  await cohere?.close();
});

describe("Workers AI reranker (@cf/baai/bge-reranker-base through the binding)", () => {
  it("sends query and contexts and maps the answer back to input order", async () => {
    workersAI.reset();
    const reranker = createWorkersAIReranker({ binding: createFakeAiBinding(workersAI), retry: FAST });
    const scores = await reranker.rerank("high water tables", PASSAGES);
    expect(workersAI.runs[0]).toMatchObject({
      model: "@cf/baai/bge-reranker-base",
      inputs: { query: "high water tables", contexts: PASSAGES.map((text) => ({ text })), top_k: 3 },
    });
    expect(scores).toEqual([1, 0, 1]);
    expect(reranker.id).toBe("workers-ai:@cf/baai/bge-reranker-base");
  });

  it("retries a capacity error, then fails with RerankFailed when the errors persist", async () => {
    workersAI.reset();
    const reranker = createWorkersAIReranker({ binding: createFakeAiBinding(workersAI), retry: FAST });
    workersAI.failNext(1, { status: 429, code: 3040, message: "Capacity temporarily exceeded, please try again." });
    expect(await reranker.rerank("lanterns", PASSAGES)).toEqual([0, 1, 0]);
    workersAI.failNext(3, { status: 429, code: 3040, message: "Capacity temporarily exceeded, please try again." });
    await expect(reranker.rerank("lanterns", PASSAGES)).rejects.toBeInstanceOf(RerankFailed);
    workersAI.reset();
  });
});

describe("HTTP reranker (Cohere/Jina-compatible POST /rerank)", () => {
  it("sends the Cohere v2 request and reads results[].index / relevance_score", async () => {
    cohere.requests.length = 0;
    const reranker = createHttpReranker({ baseURL: cohere.baseURL, apiKey: cohere.apiKey, model: "rerank-v3.5" });
    const scores = await reranker.rerank("anything", ["plain", "a zeppelin over the harbour", "plain too"]);
    expect(cohere.requests[0]).toEqual({
      model: "rerank-v3.5",
      query: "anything",
      documents: ["plain", "a zeppelin over the harbour", "plain too"],
      top_n: 3,
    });
    expect(scores).toEqual([0.2, 0.9, 0.2]);
  });

  it("retries 429 and 503, and reports a refused key without echoing it", async () => {
    const reranker = createHttpReranker({
      baseURL: cohere.baseURL,
      apiKey: cohere.apiKey,
      model: "m",
      retry: FAST,
    });
    cohere.failNext(1, 429);
    cohere.failNext(1, 503);
    expect(await reranker.rerank("q", ["zeppelin", "x"])).toEqual([0.9, 0.2]);
    const wrongKey = "sk-wrong-key-abcdef123456";
    const refused = createHttpReranker({ baseURL: cohere.baseURL, apiKey: wrongKey, model: "m", retry: FAST });
    const error = await refused.rerank("q", ["a", "b"]).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(RerankFailed);
    expect((error as Error).message).toContain("401");
    expect((error as Error).message).not.toContain(wrongKey);
  });

  it("refuses an answer that does not score every passage exactly once", async () => {
    const reranker = createHttpReranker({
      baseURL: "http://127.0.0.1:1/v2",
      model: "m",
      fetch: async () =>
        Response.json({
          results: [
            { index: 0, relevance_score: 0.5 },
            { index: 7, relevance_score: 1 },
          ],
        }),
    });
    await expect(reranker.rerank("q", ["a", "b"])).rejects.toThrow(/out of range/);
    const partial = createHttpReranker({
      baseURL: "http://127.0.0.1:1/v2",
      model: "m",
      fetch: async () => Response.json({ results: [{ index: 1, relevance_score: 2.5 }] }),
    });
    await expect(partial.rerank("q", ["a", "b"])).rejects.toThrow(/scored 1 of 2/);
  });
});

describe("RERANK_* configuration", () => {
  it("is off by default and refuses half a configuration", () => {
    expect(createRerankerFromEnv({})).toBeUndefined();
    expect(createRerankerFromEnv({ RERANK_PROVIDER: "none" })).toBeUndefined();
    expect(() => createRerankerFromEnv({ RERANK_PROVIDER: "http", RERANK_MODEL: "m" })).toThrow(ConfigError);
    expect(() => createRerankerFromEnv({ RERANK_PROVIDER: "http", RERANK_BASE_URL: "http://x" })).toThrow(
      /RERANK_MODEL/,
    );
    expect(() => createRerankerFromEnv({ RERANK_PROVIDER: "workers-ai" })).toThrow(/binding/);
    expect(() => createRerankerFromEnv({ RERANK_PROVIDER: "magic" })).toThrow(/none, workers-ai, http/);
    expect(() =>
      createRerankerFromEnv({
        RERANK_PROVIDER: "http",
        RERANK_BASE_URL: "http://x",
        RERANK_MODEL: "m",
        RERANK_CANDIDATES: "0",
      }),
    ).toThrow(/RERANK_CANDIDATES/);
    const http = createRerankerFromEnv({
      RERANK_PROVIDER: "http",
      RERANK_BASE_URL: "http://x/v1",
      RERANK_MODEL: "jina-reranker-v2-base-multilingual",
      RERANK_CANDIDATES: "30",
    });
    expect(http).toMatchObject({ id: "http:jina-reranker-v2-base-multilingual", candidates: 30 });
    expect(createRerankerFromEnv({ RERANK_PROVIDER: "workers-ai", AI: createFakeAiBinding(workersAI) })?.id).toBe(
      "workers-ai:@cf/baai/bge-reranker-base",
    );
  });
});

describe("reranking inside search and ask", () => {
  let api: ApiServer;
  let broken: ApiServer;
  const docs: Record<string, string> = {
    tides: "Harbour tide tables. The harbour tide tables give high water and low water times for the harbour.",
    zeppelin: "A zeppelin was once moored near the harbour; it has nothing to do with tide tables.",
    lanterns: "Copper lanterns light the north quay at dusk.",
  };

  beforeAll(async () => {
    const rerankEnv = { RERANK_PROVIDER: "http", RERANK_BASE_URL: cohere.baseURL, RERANK_MODEL: "rerank-v3.5" };
    api = await startApiServer({ ...rerankEnv, RERANK_API_KEY: cohere.apiKey });
    broken = await startApiServer({ ...rerankEnv, RERANK_API_KEY: "a-key-the-server-refuses" });
    for (const server of [api, broken]) {
      for (const [documentId, text] of Object.entries(docs)) {
        expect((await server.postJson("/upload", { index: "rr", documentId, text })).status).toBe(202);
        expect((await waitForIngestion(server, "rr", documentId)).completed).toBe(true);
      }
    }
  });

  afterAll(async () => {
    await api?.close();
    await broken?.close();
  });

  type Result = { results: Array<{ documentId: string; partitions: Array<{ relevance: number }> }> };
  const search = async (server: ApiServer, args?: Record<string, unknown>) => {
    const res = await server.postJson("/search", { index: "rr", query: "harbour tide tables", limit: 3, args });
    expect(res.status).toBe(200);
    return (await res.json()) as Result;
  };
  const order = (r: Result) => r.results.map((c) => c.documentId);
  const relevances = (r: Result) => r.results.map((c) => c.partitions[0]!.relevance);

  it("reorders the fused candidates by the reranker's scores, which become the relevance", async () => {
    const fused = await search(api, { rerank: false });
    expect(order(fused)[0]).toBe("tides");
    const reranked = await search(api);
    expect(order(reranked)[0]).toBe("zeppelin");
    expect(relevances(reranked)[0]).toBe(0.9);
    for (const r of [fused, reranked]) {
      const rel = relevances(r);
      expect(rel).toEqual([...rel].sort((a, b) => b - a));
    }
    // Every candidate of the request went to the reranker: max(limit, RERANK_CANDIDATES).
    expect(cohere.requests.at(-1)?.documents.length).toBe(3);
  });

  it("ask cites the reranked sources first", async () => {
    const res = await api.postJson("/ask", { index: "rr", question: "harbour tide tables" });
    const answer = (await res.json()) as { relevantSources: Array<{ documentId: string }> };
    expect(answer.relevantSources[0]?.documentId).toBe("zeppelin");
  });

  it("a failing reranker answers the fused order, never a 5xx", async () => {
    const before = cohere.requests.length;
    const r = await search(broken);
    expect(order(r)).toEqual(order(await search(api, { rerank: "false" })));
    expect(cohere.requests.length).toBe(before); // refused at the door: 401, not retried
  });
});

import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createOfflineEmbedder,
  createOpenAICompatibleEmbedder,
  createWorkersAIEmbedder,
  EmbeddingFailed,
} from "../../../lib/ai/index";
import { type FakeOpenAI, fakeVector, startFakeOpenAI } from "../../helpers/fake-openai";
import {
  CAPACITY_EXCEEDED,
  createFakeAiBinding,
  type FakeWorkersAI,
  INTERNAL_ERROR,
  startFakeWorkersAI,
} from "../../helpers/fake-workers-ai";

const API_KEY = "sk-test-0123456789abcdefSECRET";

const norm = (v: number[]) => Math.hypot(...v);
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0) / (norm(a) * norm(b));

describe("offline embedder", () => {
  const embedder = createOfflineEmbedder({ dimensions: 384 });

  it("describes itself", () => {
    expect(embedder).toMatchObject({ id: "offline-hash-v2", dimensions: 384, maxTokens: 8192 });
    expect(createOfflineEmbedder().dimensions).toBe(384);
  });

  it("v2 gives stop words no weight; v1 still does", async () => {
    const v1 = createOfflineEmbedder({ id: "offline-hash-v1" });
    const [a, b] = await embedder.embed(["the pump of the station", "pump station"]);
    expect(cosine(a!, b!)).toBeCloseTo(1, 10);
    const [c, d] = await v1.embed(["the pump of the station", "pump station"]);
    expect(cosine(c!, d!)).toBeLessThan(0.95);
  });

  it("is deterministic, fixed-size and unit length", async () => {
    const texts = ["Postgres connection pooling", "pgvector HNSW index", "ünïcödé wörds ok"];
    const [first, second] = [await embedder.embed(texts), await embedder.embed(texts)];
    expect(first).toEqual(second);
    for (const v of first) {
      expect(v).toHaveLength(384);
      expect(norm(v)).toBeCloseTo(1, 10);
    }
  });

  it("puts lexically similar texts closer than unrelated ones", async () => {
    const [query, near, far] = await embedder.embed([
      "how many database connections does the pool open",
      "the pool opens at most five database connections",
      "bananas are yellow and grow in tropical climates",
    ]);
    expect(cosine(query!, near!)).toBeGreaterThan(cosine(query!, far!) + 0.2);
  });

  it("matches across case and inflection through trigrams", async () => {
    const [a, b, c] = await embedder.embed(["Embeddings", "embedding", "zebra"]);
    expect(cosine(a!, b!)).toBeGreaterThan(0.5);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!));
  });

  it("maps text without words to a reserved unit vector, orthogonal to all content", async () => {
    const [empty, blank, punct, word] = await embedder.embed(["", "   \n", "?!…", "hello"]);
    expect(norm(empty!)).toBe(1);
    expect(empty).toEqual(blank);
    expect(empty).toEqual(punct);
    expect(cosine(empty!, word!)).toBe(0);
  });

  it("never yields NaN or a zero vector, whatever the input", async () => {
    const small = createOfflineEmbedder({ dimensions: 16 });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 200 }), async (text) => {
        const [v] = await small.embed([text]);
        expect(v).toHaveLength(16);
        expect(v!.every(Number.isFinite)).toBe(true);
        expect(norm(v!)).toBeCloseTo(1, 9);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a useless dimension count", () => {
    expect(() => createOfflineEmbedder({ dimensions: 1 })).toThrow(/at least 8/);
  });
});

describe("OpenAI-compatible embedder", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: API_KEY, embeddingDimensions: 8 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const embedder = (over: Partial<Parameters<typeof createOpenAICompatibleEmbedder>[0]> = {}) =>
    createOpenAICompatibleEmbedder({
      baseURL: fake.baseURL,
      apiKey: API_KEY,
      model: "text-embedding-3-small",
      dimensions: 8,
      ...over,
    });

  it("sends batches in order with the key and returns one vector per text", async () => {
    const texts = Array.from({ length: 250 }, (_, i) => `text number ${i}`);
    const vectors = await embedder().embed(texts);

    expect(fake.embeddingInputs().map((batch) => batch.length)).toEqual([96, 96, 58]);
    expect(fake.embeddingInputs().flat()).toEqual(texts);
    expect(fake.embeddingRequests().every((r) => r.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(fake.embeddingRequests()[0]!.body).toMatchObject({
      model: "text-embedding-3-small",
      encoding_format: "float",
    });
    expect(vectors).toHaveLength(250);
    expect(vectors[137]).toEqual(fakeVector("text number 137", 8));
  });

  it("makes no request for no texts", async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("asks for shortened vectors only when told to", async () => {
    await embedder({ dimensions: 4, requestDimensions: true }).embed(["a"]);
    await embedder().embed(["b"]);
    const [asked, plain] = fake.embeddingRequests();
    expect(asked!.body.dimensions).toBe(4);
    expect(plain!.body).not.toHaveProperty("dimensions");
  });

  it("fails clearly when the model's vectors do not have the configured size", async () => {
    const error = await embedder({ dimensions: 1536 })
      .embed(["hello"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingFailed);
    expect((error as Error).message).toMatch(/8 dimensions, but 1536 are configured/);
  });

  it("retries a 429 after the time Retry-After asks for", async () => {
    fake.failNext(2, { status: 429, retryAfter: "0" });
    const vectors = await embedder().embed(["retry me"]);
    expect(vectors).toEqual([fakeVector("retry me", 8)]);
    expect(fake.embeddingRequests()).toHaveLength(3);
  });

  it("honours retry-after-ms, and Retry-After in seconds, instead of its 2 s default backoff", async () => {
    fake.failNext(1, { status: 429, retryAfterMs: "150" });
    fake.failNext(1, { status: 503, retryAfter: "1" });
    await embedder().embed(["patience"]);
    const [a, b, c] = fake.embeddingRequests().map((r) => r.at);
    expect(b! - a!).toBeGreaterThanOrEqual(140);
    expect(b! - a!).toBeLessThan(1500);
    expect(c! - b!).toBeGreaterThanOrEqual(990);
    expect(c! - b!).toBeLessThan(1900);
  });

  it("retries 5xx too", async () => {
    fake.failNext(1, { status: 500, retryAfterMs: "0" });
    await embedder().embed(["x"]);
    expect(fake.embeddingRequests()).toHaveLength(2);
  });

  it("gives up with EmbeddingFailed after maxRetries + 1 attempts", async () => {
    fake.failNext(10, { status: 429, retryAfter: "0" });
    const error = await embedder({ maxRetries: 3 })
      .embed(["never"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingFailed);
    expect(error).toMatchObject({ attempts: 4, embedder: "openai:text-embedding-3-small" });
    expect((error as Error).message).toMatch(/after 4 attempts.*429.*Rate limit/);
    expect(fake.embeddingRequests()).toHaveLength(4);
  });

  it("does not retry a client error and keeps the key out of the message", async () => {
    const wrongKey = "sk-wrong-key-9876543210zyxw";
    const error = await embedder({ apiKey: wrongKey })
      .embed(["x"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingFailed);
    expect(fake.embeddingRequests()).toHaveLength(1);
    expect((error as Error).message).toMatch(/401: Incorrect API key provided/);
    expect((error as Error).message).not.toContain(wrongKey);
    expect(String((error as Error).stack)).not.toContain(wrongKey);
  });

  it("passes an abort through as an abort, not as EmbeddingFailed", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await embedder()
      .embed(["x"], { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(EmbeddingFailed);
    expect((error as Error).name).toBe("AbortError");
  });
});

describe("Workers AI embedder (binding)", () => {
  let fake: FakeWorkersAI;
  beforeAll(async () => {
    fake = await startFakeWorkersAI();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const fastRetry = { initialDelayMs: 1, maxDelayMs: 5 };

  it("calls run(model, { text }) per batch and reads { shape, data }", async () => {
    const embedder = createWorkersAIEmbedder({ binding: createFakeAiBinding(fake), batchSize: 100 });
    expect(embedder).toMatchObject({
      id: "workers-ai:@cf/baai/bge-small-en-v1.5",
      dimensions: 384,
      maxTokens: 512,
    });
    const texts = Array.from({ length: 130 }, (_, i) => `chunk ${i}`);
    const vectors = await embedder.embed(texts);
    expect(fake.runs.map((r) => [r.model, (r.inputs.text as string[]).length])).toEqual([
      ["@cf/baai/bge-small-en-v1.5", 100],
      ["@cf/baai/bge-small-en-v1.5", 30],
    ]);
    expect(vectors[129]).toEqual(fakeVector("chunk 129", 384));
  });

  it("fails clearly on a dimension mismatch", async () => {
    const embedder = createWorkersAIEmbedder({
      binding: createFakeAiBinding(fake),
      model: "@cf/baai/bge-base-en-v1.5",
      dimensions: 384,
    });
    await expect(embedder.embed(["x"])).rejects.toThrow(/768 dimensions, but 384 are configured/);
  });

  it("retries capacity (3040) and internal errors thrown by the binding", async () => {
    fake.failNext(1, CAPACITY_EXCEEDED);
    fake.failNext(1, INTERNAL_ERROR);
    const embedder = createWorkersAIEmbedder({ binding: createFakeAiBinding(fake), retry: fastRetry });
    expect(await embedder.embed(["x"])).toHaveLength(1);
    expect(fake.runs).toHaveLength(3);
  });

  it("gives up after maxRetries + 1 attempts with EmbeddingFailed", async () => {
    fake.failNext(10, CAPACITY_EXCEEDED);
    const embedder = createWorkersAIEmbedder({
      binding: createFakeAiBinding(fake),
      retry: { ...fastRetry, maxRetries: 2 },
    });
    const error = await embedder.embed(["x"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingFailed);
    expect(error).toMatchObject({ attempts: 3 });
    expect((error as Error).message).toMatch(/after 3 attempts.*3040: Capacity temporarily exceeded/);
    expect(fake.runs).toHaveLength(3);
  });

  it("does not retry a permanent error", async () => {
    fake.failNext(1, { status: 400, code: 5007, message: "No such model @cf/nope or task" });
    const embedder = createWorkersAIEmbedder({
      binding: createFakeAiBinding(fake),
      model: "@cf/nope",
      retry: fastRetry,
    });
    await expect(embedder.embed(["x"])).rejects.toThrow(/5007: No such model/);
    expect(fake.runs).toHaveLength(1);
  });
});

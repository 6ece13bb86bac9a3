import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedderFromEnv, createGeneratorFromEnv } from "../../../lib/ai/index";
import { ConfigError } from "../../../lib/config/env";
import { type FakeOpenAI, startFakeOpenAI } from "../../helpers/fake-openai";
import { createFakeAiBinding, type FakeWorkersAI, startFakeWorkersAI } from "../../helpers/fake-workers-ai";

describe("AI configuration from the environment", () => {
  let openai: FakeOpenAI;
  let workers: FakeWorkersAI;
  beforeAll(async () => {
    openai = await startFakeOpenAI({ apiKey: "sk-config-test-key-123456" });
    workers = await startFakeWorkersAI();
  });
  afterAll(async () => {
    await openai.close();
    await workers.close();
  });

  it("defaults to the offline embedder and no generator", () => {
    expect(createEmbedderFromEnv({})).toMatchObject({ id: "offline-hash-v2", dimensions: 384 });
    expect(createEmbedderFromEnv({ EMBEDDING_MODEL: "offline-hash-v1" }).id).toBe("offline-hash-v1");
    expect(() => createEmbedderFromEnv({ EMBEDDING_MODEL: "offline-hash-v9" })).toThrow(/offline-hash-v2/);
    expect(createEmbedderFromEnv({ EMBEDDING_PROVIDER: "", EMBEDDING_DIMENSIONS: "64" }).dimensions).toBe(64);
    expect(createGeneratorFromEnv({})).toBeUndefined();
    expect(createGeneratorFromEnv({ GENERATION_PROVIDER: "none" })).toBeUndefined();
  });

  it("builds working OpenAI-compatible clients", async () => {
    const env = {
      EMBEDDING_PROVIDER: "openai",
      EMBEDDING_MODEL: "text-embedding-3-small",
      EMBEDDING_DIMENSIONS: "16",
      GENERATION_PROVIDER: "openai",
      GENERATION_MODEL: "gpt-4o-mini",
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_API_KEY: "sk-config-test-key-123456",
    };
    const embedder = createEmbedderFromEnv(env);
    expect(embedder).toMatchObject({ id: "openai:text-embedding-3-small", dimensions: 16 });
    expect((await embedder.embed(["a"]))[0]).toHaveLength(16);
    expect(openai.embeddingRequests()[0]!.body.dimensions).toBe(16);
    expect((await createGeneratorFromEnv(env)!.generate({ system: "s", prompt: "p" })).text).toBe("Echo: p");
  });

  it("knows the native size of common models", () => {
    const env = {
      EMBEDDING_PROVIDER: "openai",
      EMBEDDING_MODEL: "text-embedding-3-large",
      OPENAI_BASE_URL: openai.baseURL,
    };
    expect(createEmbedderFromEnv(env).dimensions).toBe(3072);
  });

  it("builds working Workers AI clients from the binding", async () => {
    const AI = createFakeAiBinding(workers);
    const embedder = createEmbedderFromEnv({ EMBEDDING_PROVIDER: "workers-ai", AI });
    expect(embedder).toMatchObject({ id: "workers-ai:@cf/baai/bge-small-en-v1.5", dimensions: 384 });
    expect(
      createEmbedderFromEnv({
        EMBEDDING_PROVIDER: "workers-ai",
        EMBEDDING_MODEL: "@cf/baai/bge-base-en-v1.5",
        AI,
      }).dimensions,
    ).toBe(768);
    expect((await embedder.embed(["a"]))[0]).toHaveLength(384);
    const generator = createGeneratorFromEnv({ GENERATION_PROVIDER: "workers-ai", AI });
    expect(generator?.id).toBe("workers-ai:@cf/meta/llama-3.1-8b-instruct");
  });

  it.each([
    [{ EMBEDDING_PROVIDER: "openai", EMBEDDING_MODEL: "text-embedding-3-small" }, /OPENAI_BASE_URL must be set/],
    [{ EMBEDDING_PROVIDER: "openai", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }, /EMBEDDING_MODEL must be set/],
    [
      { EMBEDDING_PROVIDER: "openai", OPENAI_BASE_URL: "http://127.0.0.1:1/v1", EMBEDDING_MODEL: "nomic" },
      /EMBEDDING_DIMENSIONS must be set for embedding model "nomic"/,
    ],
    [{ EMBEDDING_PROVIDER: "workers-ai" }, /binding "AI" must be configured/],
    [{ EMBEDDING_PROVIDER: "cohere" }, /EMBEDDING_PROVIDER must be one of offline, openai, workers-ai; got "cohere"/],
    [{ EMBEDDING_DIMENSIONS: "12.5" }, /EMBEDDING_DIMENSIONS must be a positive integer/],
  ])("rejects a misconfigured embedder: %o", (env, message) => {
    expect(() => createEmbedderFromEnv(env)).toThrow(ConfigError);
    expect(() => createEmbedderFromEnv(env)).toThrow(message);
  });

  it.each([
    [{ GENERATION_PROVIDER: "openai", GENERATION_MODEL: "gpt-4o-mini" }, /OPENAI_BASE_URL must be set/],
    [{ GENERATION_PROVIDER: "openai", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }, /GENERATION_MODEL must be set/],
    [{ GENERATION_PROVIDER: "workers-ai", AI: {} }, /binding "AI" must be configured/],
    [{ GENERATION_PROVIDER: "llama" }, /GENERATION_PROVIDER must be one of none, openai, workers-ai/],
  ])("rejects a misconfigured generator: %o", (env, message) => {
    expect(() => createGeneratorFromEnv(env)).toThrow(ConfigError);
    expect(() => createGeneratorFromEnv(env)).toThrow(message);
  });

  it("never puts the API key into a configuration error", () => {
    const key = "sk-do-not-print-me-0987654321";
    expect(() => createEmbedderFromEnv({ EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: key })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(key) }),
    );
  });
});

/**
 * The adapters against the real packages (@langchain/core 1.x, ai 6) and the real server: LangChain's retriever
 * and vector store return Documents with the promised metadata, honour filters and deletes, and refuse
 * client-side vectors; the AI SDK tools validate their input with their zod schemas and cannot widen the
 * application's filters.
 */
import { Document } from "@langchain/core/documents";
import { asSchema } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryTools } from "../../../lib/sdk/ai-sdk/index.js";
import { createMemoryClient, type MemoryClient } from "../../../lib/sdk/client/index.js";
import { ServerlessMemoryRetriever, ServerlessMemoryVectorStore } from "../../../lib/sdk/langchain/index.js";
import { type ApiServer, startApiServer } from "../../helpers/api.js";

const INDEX = "sdk-adapters";
let api: ApiServer;
let client: MemoryClient;
let store: ServerlessMemoryVectorStore;

beforeAll(async () => {
  api = await startApiServer();
  client = createMemoryClient({ url: api.url });
  store = new ServerlessMemoryVectorStore({ client, index: INDEX });
  const ids = await store.addDocuments([
    new Document({
      pageContent: "Deploys go out every Tuesday after review.",
      metadata: { team: "ops", year: 2026 },
      id: "deploys",
    }),
    new Document({
      pageContent: "Bananas are a yellow tropical fruit.",
      metadata: { team: "kitchen", nested: { a: 1 } },
    }),
    new Document({
      pageContent: "Payroll runs on the last Friday of the month.",
      metadata: { team: ["finance", "ops"] },
    }),
  ]);
  expect(ids[0]).toBe("deploys");
  expect(ids).toHaveLength(3);
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe("serverless-memory/langchain", () => {
  it("the retriever returns Documents with documentId, sourceName, section, relevance and tags", async () => {
    const retriever = new ServerlessMemoryRetriever({ client, index: INDEX, k: 2 });
    const docs = await retriever.invoke("when do deploys go out");
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.length).toBeLessThanOrEqual(2);
    const [top] = docs;
    expect(top).toBeInstanceOf(Document);
    expect(top?.pageContent).toContain("Tuesday");
    expect(top?.metadata).toMatchObject({ documentId: "deploys", index: INDEX, sourceName: "content.txt", section: 1 });
    expect(top?.metadata.tags).toMatchObject({ team: ["ops"], year: ["2026"] });
    expect(top?.metadata.relevance).toBeGreaterThan(0);
    expect(docs.map((d) => d.metadata.relevance)).toEqual(
      [...docs.map((d) => d.metadata.relevance)].sort((a, b) => b - a),
    );
  });

  it("the vector store searches with scores and filters, deletes by id, and refuses client-side vectors", async () => {
    const [[best, score] = []] = await store.similaritySearchWithScore("yellow fruit", 1);
    expect(best?.pageContent).toContain("Bananas");
    expect(score).toBe(best?.metadata.relevance);
    expect(best?.metadata.tags).not.toHaveProperty("nested");
    const ops = await store.similaritySearch("runs", 5, { team: ["ops"] });
    expect(new Set(ops.map((d) => d.metadata.documentId)).has(best?.metadata.documentId)).toBe(false);
    expect(ops.some((d) => d.pageContent.includes("Payroll"))).toBe(true);
    const asRetriever = await store.asRetriever({ k: 1, filter: [{ team: ["kitchen"] }] }).invoke("deploys");
    expect(asRetriever.map((d) => d.pageContent)).toEqual([best?.pageContent]);
    await expect(store.addVectors()).rejects.toThrow(/embeddings itself/);
    await expect(store.similaritySearchVectorWithScore()).rejects.toThrow(/by text/);

    await store.delete({ ids: ["deploys"] });
    const after = await store.similaritySearch("deploys tuesday", 5);
    expect(after.map((d) => d.metadata.documentId)).not.toContain("deploys");
  });
});

describe("serverless-memory/ai-sdk", () => {
  it("declares zod input schemas that refuse bad input", async () => {
    const tools = memoryTools({ client, index: INDEX, maxResults: 3 });
    const schema = asSchema(tools.search.inputSchema);
    expect(schema.jsonSchema).toMatchObject({ type: "object", required: ["query"] });
    const bad = await schema.validate?.({ query: "", limit: 10 });
    expect(bad?.success).toBe(false);
    expect((await asSchema(tools.ask.inputSchema).validate?.({ question: "why?" }))?.success).toBe(true);
  });

  it("search returns small hits, most relevant first; ask returns the cited answer", async () => {
    const tools = memoryTools({ client, index: INDEX });
    const opts = { toolCallId: "t", messages: [] };
    const hits = (await tools.search.execute?.({ query: "yellow fruit", limit: 2 }, opts)) as Array<{
      documentId: string;
      text: string;
    }>;
    expect(hits[0]?.text).toContain("Bananas");
    expect(Object.keys(hits[0] ?? {}).sort()).toEqual(["documentId", "relevance", "section", "sourceName", "text"]);
    const answer = (await tools.ask.execute?.({ question: "What colour are bananas?" }, opts)) as {
      answer: string;
      sources: unknown[];
    };
    expect(answer.answer).toMatch(/yellow/i);
    expect(answer.sources.length).toBeGreaterThan(0);
  });

  it("the model's tags narrow the application's filters and never widen them", async () => {
    const tools = memoryTools({ client, index: INDEX, filters: [{ team: ["kitchen"] }] });
    const opts = { toolCallId: "t", messages: [] };
    const widened = (await tools.search.execute?.(
      { query: "payroll friday", tags: { team: ["finance"] } },
      opts,
    )) as unknown[];
    expect(widened).toEqual([]);
    const kept = (await tools.search.execute?.({ query: "payroll friday" }, opts)) as Array<{ text: string }>;
    expect(kept.every((h) => h.text.includes("Bananas"))).toBe(true);
  });
});

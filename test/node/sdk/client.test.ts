/**
 * The typed client (`serverless-memory/client`, lib/sdk/client) against the real Node server on a real database:
 * every group of routes it covers, its streamed answer, and its errors as ProblemDetails with their fields.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMemoryClient,
  type MemoryClient,
  ProblemError,
  WaitTimeoutError,
} from "../../../lib/sdk/client/index.js";
import { type ApiServer, startApiServer } from "../../helpers/api.js";

const KEY = "sdk-client-admin-5b1e07";
const INDEX = "sdk-client";
let api: ApiServer;
let memory: MemoryClient;

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: KEY });
  memory = createMemoryClient({ url: api.url, apiKey: KEY });
  const uploads = await Promise.all([
    memory.uploadText({
      index: INDEX,
      documentId: "deploys",
      text: "Deploys go out on Tuesdays after the review.",
      tags: { team: ["ops"] },
    }),
    memory.upload({
      index: INDEX,
      documentId: "fruit",
      tags: { team: ["kitchen"], kind: ["note", "food"] },
      files: [{ name: "fruit.md", content: "# Fruit\n\nBananas are a yellow fruit that grows in tropical climates." }],
    }),
  ]);
  for (const accepted of uploads) {
    const status = await memory.waitForDocument(accepted, { timeoutMs: 60_000 });
    expect(status).toMatchObject({ completed: true, failed: false, document_id: accepted.documentId });
  }
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe("serverless-memory/client", () => {
  it("uploads files and text (tags as maps), and reports their status", async () => {
    const status = await memory.status({ index: INDEX, documentId: "fruit" });
    expect(status?.tags).toMatchObject({ team: ["kitchen"], kind: ["note", "food"] });
    expect(await memory.status({ index: INDEX, documentId: "never-uploaded" })).toBeUndefined();
    const page = await memory.documents.list({ index: INDEX });
    expect(page.documents.map((d) => d.documentId).sort()).toEqual(["deploys", "fruit"]);
    expect(page.documents.find((d) => d.documentId === "fruit")?.files[0]?.name).toBe("fruit.md");
  });

  it("searches with Kernel Memory filters and finds the right document", async () => {
    const all = await memory.search({ index: INDEX, query: "which day do deploys happen", limit: 5 });
    expect(all.results[0]?.documentId).toBe("deploys");
    const kitchen = await memory.search({ index: INDEX, query: "deploys", filters: [{ team: ["kitchen"] }], limit: 5 });
    expect(kitchen.results.map((r) => r.documentId)).not.toContain("deploys");
  });

  it("answers as JSON and as an async iterator over the event stream, ending with `last`", async () => {
    const question = "When do deploys go out?";
    const answer = await memory.ask({ index: INDEX, question });
    expect(answer.noResult).toBe(false);
    expect(answer.relevantSources.map((c) => c.documentId)).toContain("deploys");

    const events = [];
    for await (const event of memory.askStream({ index: INDEX, question })) events.push(event);
    expect(events[0]?.streamState).toBe("reset");
    expect(events.at(-1)?.streamState).toBe("last");
    const text = events
      .filter((e) => e.streamState !== "last")
      .map((e) => e.text)
      .join("");
    expect(text).toBe(answer.text);
    expect(events.flatMap((e) => e.relevantSources.map((c) => c.documentId))).toContain("deploys");
  });

  it("stops reading the stream when the loop breaks, and the client stays usable", async () => {
    for await (const event of memory.askStream({ index: INDEX, question: "What colour are bananas?" })) {
      expect(event.streamState).toBe("reset");
      break;
    }
    expect((await memory.indexes.list()).results.map((r) => r.name)).toContain(INDEX);
  });

  it("throws ProblemError with the server's status, type, title and detail", async () => {
    const err = await memory.search({ index: INDEX, query: "x", filters: [{ "": ["x"] }] }).catch((e) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect(err).toMatchObject({ status: 400, title: "Bad Request" });
    expect(err.type).toMatch(/400/);
    expect(err.detail).toMatch(/filter/i);
    expect(err.retryAfter).toBeUndefined();
    const anonymous = createMemoryClient({ url: api.url });
    await expect(anonymous.indexes.list()).rejects.toMatchObject({ name: "ProblemError", status: 401 });
    const stream = anonymous.askStream({ question: "anything?" });
    await expect(stream.next()).rejects.toMatchObject({ status: 401 });
  });

  it("waits with a deadline: a document that never arrives is a WaitTimeoutError, not a hang", async () => {
    const err = await memory
      .waitForDocument({ index: INDEX, documentId: "never-uploaded" }, { timeoutMs: 600, intervalMs: 100 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.status).toBeUndefined();
  });

  it("manages settings, keys and documents, and refuses a private source URL with a 400", async () => {
    const settings = await memory.indexes.settings(INDEX);
    expect(typeof settings).toBe("object");
    const key = await memory.keys.create({ name: "reader", scope: "read", indexes: [INDEX] });
    const reader = createMemoryClient({ url: api.url, apiKey: key.key });
    expect((await reader.search({ index: INDEX, query: "bananas" })).results[0]?.documentId).toBe("fruit");
    await expect(reader.documents.delete({ index: INDEX, documentId: "fruit" })).rejects.toMatchObject({ status: 403 });
    expect((await memory.keys.list()).results.map((k) => k.id)).toContain(key.id);
    expect((await memory.keys.revoke(key.id)).revokedAt).not.toBeNull();
    await expect(reader.indexes.list()).rejects.toMatchObject({ status: 401 });

    const loopback = { url: "http://127.0.0.1/feed.xml", kind: "feed" as const, index: INDEX };
    await expect(memory.sources.create(loopback)).rejects.toMatchObject({ status: 400 });
    expect((await memory.sources.list({ index: INDEX })).sources).toEqual([]);

    expect(await memory.documents.delete({ index: INDEX, documentId: "fruit" })).toMatchObject({ documentId: "fruit" });
    const gone = await memory
      .waitForDocument({ index: INDEX, documentId: "fruit" }, { timeoutMs: 300 })
      .catch((e) => e);
    expect(gone).toBeInstanceOf(WaitTimeoutError);
  });
});

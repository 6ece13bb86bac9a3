/**
 * The `/ask` answer cache through the real server and a real database, counting the fake model's calls: an
 * identical question on an unchanged index costs no model call (JSON and SSE alike), any change to the index
 * (an upload, a tag change, a settings change, a delete) makes the next one call the model again, on another
 * instance too (the version lives in the database), `args.cache: false` bypasses it, and another index or
 * another tenant never gets an answer cached for someone else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeServer } from "../../../lib/node-host/server.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { type ApiServer, apiClient, readSse, startApiServer, waitForIngestion } from "../../helpers/api.js";
import { startServer } from "../../helpers/app-server.js";
import { uniqueAppName } from "../../helpers/database.js";
import { type FakeOpenAI, startFakeOpenAI } from "../../helpers/fake-openai.js";

const ADMIN_KEY = "ask-cache-admin-key-7f3a";
let fake: FakeOpenAI;
let api: ApiServer;
let otherServer: NodeServer;
let otherProxy: Awaited<ReturnType<typeof startNeonProxy>>;
let other: Pick<ApiServer, "call" | "postJson">;
let replies = 0;

const env = () => ({
  API_KEYS: ADMIN_KEY,
  GENERATION_PROVIDER: "openai",
  GENERATION_MODEL: "fake-chat",
  OPENAI_BASE_URL: fake.baseURL,
});

beforeAll(async () => {
  // Each reply is different, so an answer shows which call made it.
  fake = await startFakeOpenAI({ reply: () => `Deploys go out on Tuesdays (reply ${++replies}).` });
  api = await startApiServer(env(), ADMIN_KEY);
  // A second instance on the same database: the version it reads is the one the first one's writes bumped.
  otherProxy = await startNeonProxy();
  otherServer = await startServer({
    ...env(),
    DATABASE_URL: api.databaseUrl,
    DB_TRANSPORT: "pool",
    NEON_LOCAL_PROXY: otherProxy.address,
    DB_APPLICATION_NAME: uniqueAppName("askcache"),
    LOG_LEVEL: "error",
  });
  other = apiClient(otherServer.url, ADMIN_KEY);
  for (const index of ["cache-a", "cache-b"]) await upload(index, "deploys", "Deploys go out on Tuesdays.");
});

afterAll(async () => {
  await otherServer?.close();
  await otherProxy?.close();
  await api?.close();
  await fake?.close();
});

async function upload(index: string, documentId: string, text: string): Promise<void> {
  expect((await api.postJson("/upload", { index, documentId, text, tags: { team: ["ops"] } })).status).toBe(202);
  expect((await waitForIngestion(api, index, documentId)).completed).toBe(true);
}

const calls = () => fake.chatRequests().length;

async function ask(
  server: Pick<ApiServer, "postJson">,
  body: Record<string, unknown>,
): Promise<{ text: string; tokenUsage: unknown[] }> {
  const res = await server.postJson("/ask", { question: "When do deploys go out?", ...body });
  expect(res.status).toBe(200);
  return (await res.json()) as { text: string; tokenUsage: unknown[] };
}

describe("the /ask answer cache", () => {
  it("answers an identical question on an unchanged index without calling the model, JSON and SSE", async () => {
    const before = calls();
    const first = await ask(api, { index: "cache-a" });
    expect(calls()).toBe(before + 1);
    const again = await ask(api, { index: "cache-a" });
    expect(calls()).toBe(before + 1);
    expect(again.text).toBe(first.text);
    expect(again.tokenUsage).toEqual([]);
    // The other instance finds it too, and so does a streamed ask (one reset with the text, then last).
    expect((await ask(other, { index: "cache-a" })).text).toBe(first.text);
    const streamed = await readSse(
      await api.postJson("/ask", { index: "cache-a", question: "When do deploys go out?", stream: true }),
    );
    expect(calls()).toBe(before + 1);
    const records = streamed.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as { text: string });
    expect(records.map((r) => r.text).join("")).toBe(first.text);
  });

  it("a different question, filter, minRelevance or arg is another entry; args.cache: false bypasses", async () => {
    await ask(api, { index: "cache-a" });
    const before = calls();
    await ask(api, { index: "cache-a", question: "When do deploys happen?" });
    await ask(api, { index: "cache-a", filters: [{ team: ["ops"] }] });
    await ask(api, { index: "cache-a", minRelevance: 0.01 });
    await ask(api, { index: "cache-a", args: { max_matches_count: 5 } });
    expect(calls()).toBe(before + 4);
    await ask(api, { index: "cache-a", args: { cache: false } });
    await ask(api, { index: "cache-a", args: { cache: false } });
    expect(calls()).toBe(before + 6);
    const bad = await api.postJson("/ask", { index: "cache-a", question: "Why?", args: { cache: "no" } });
    expect(bad.status).toBe(400);
  });

  it("a streamed miss is stored whole: the next JSON ask is a hit with the same text", async () => {
    const question = "Which day do deploys go out?";
    const before = calls();
    const streamed = await readSse(await api.postJson("/ask", { index: "cache-b", question, stream: true }));
    expect(calls()).toBe(before + 1);
    const records = streamed.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as { text: string });
    const text = records.map((r) => r.text).join("");
    expect((await ask(api, { index: "cache-b", question })).text).toBe(text);
    expect(calls()).toBe(before + 1);
  });

  it("any change to the index makes the next ask call the model again, on every instance", async () => {
    const changes: Array<() => Promise<unknown>> = [
      () => upload("cache-a", "more", "Hotfixes go out any day."),
      () =>
        api.call("/documents/more?index=cache-a", {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ tags: { team: ["dev"] } }),
        }),
      () =>
        api.call("/indexes/cache-a/settings", {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query_expansion: false }),
        }),
      () => api.call("/documents?index=cache-a&documentId=more", { method: "DELETE" }),
    ];
    for (const change of changes) {
      await ask(api, { index: "cache-a" });
      const before = calls();
      const res = (await change()) as Response | undefined;
      if (res) expect(res.status, await res.text()).toBeLessThan(300);
      await ask(other, { index: "cache-a" });
      expect(calls()).toBe(before + 1);
      await ask(api, { index: "cache-a" });
      expect(calls()).toBeLessThanOrEqual(before + 2);
    }
  });

  it("another index or another tenant never gets an answer cached for someone else", async () => {
    const a = await ask(api, { index: "cache-a", question: "Who deploys?" });
    const before = calls();
    const b = await ask(api, { index: "cache-b", question: "Who deploys?" });
    expect(calls()).toBe(before + 1);
    expect(b.text).not.toBe(a.text);
    // A tenant key for cache-b only: cache-a's answer is a 404 to it, whatever is cached.
    const created = await api.postJson("/keys", { name: "tenant-b", scope: "read", indexes: ["cache-b"] });
    expect(created.status).toBe(201);
    const tenantKey = ((await created.json()) as { key: string }).key;
    const tenant = await fetch(`${api.url}/ask`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: tenantKey },
      body: JSON.stringify({ index: "cache-a", question: "Who deploys?" }),
    });
    expect(tenant.status).toBe(404);
  });
});

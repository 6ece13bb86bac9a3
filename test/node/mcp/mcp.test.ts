/**
 * The MCP endpoint on the real Node server, driven by the MCP SDK's own
 * client over streamable HTTP: initialize, list tools (their input schemas are
 * the HTTP API's), call every tool, documents as resources, errors as
 * `isError` results, and the API key refused or honoured like on every route.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../helpers/api.js";
import { type FakeSite, htmlPage, startFakeSite } from "../../helpers/fake-site.js";
import { callTool, connectMcp, okTool, TOOL_NAMES, waitForStatus } from "../../helpers/mcp-client.js";

const ADMIN_KEY = "mcp-admin-key-5b1e9d2c";
let api: ApiServer;
let site: FakeSite;

beforeAll(async () => {
  site = await startFakeSite();
  api = await startApiServer({ API_KEYS: ADMIN_KEY, SOURCE_ALLOW_PRIVATE: "true" }, ADMIN_KEY);
});

afterAll(async () => {
  await api?.close();
  await site?.close();
});

const mcpUrl = () => `${api.url}/mcp`;

describe("MCP over streamable HTTP (Node)", () => {
  it("initializes and lists the nine tools with the HTTP API's input schemas", async () => {
    const client = await connectMcp(mcpUrl(), { key: ADMIN_KEY });
    expect(client.getServerVersion()?.name).toBe("serverless-memory");
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    // SearchQuery's fields, as POST /search takes them.
    expect(Object.keys(byName.search!.inputSchema.properties ?? {}).sort()).toEqual(
      ["args", "filters", "index", "limit", "minRelevance", "query"].sort(),
    );
    expect(byName.ask!.inputSchema.required).toEqual(["question"]);
    expect(byName.ask!.inputSchema.properties).not.toHaveProperty("stream");
    expect(byName.upload_text!.inputSchema.required).toContain("text");
    expect(byName.upload_url!.inputSchema.required).toContain("url");
    expect(byName.get_status!.inputSchema.required).toEqual(["documentId"]);
    expect(byName.delete_document!.annotations?.destructiveHint).toBe(true);
    await client.close();
  });

  it("uploads text and a URL, then searches, asks with citations, lists, reads and deletes", async () => {
    const client = await connectMcp(mcpUrl(), { key: ADMIN_KEY });
    const upload = await okTool(client, "upload_text", {
      index: "Agent Notes",
      documentId: "deploys",
      text: "Deploys go out on Tuesdays after the change review. Rollbacks need two approvals.",
      tags: { team: ["platform"] },
    });
    expect(upload.json).toMatchObject({ index: "agent-notes", documentId: "deploys" });
    expect(await waitForStatus(client, "agent-notes", "deploys")).toMatchObject({ completed: true, failed: false });

    site.put("/handbook.html", {
      body: htmlPage("Handbook", ["The on-call rotation changes every Monday at nine."]),
      type: "text/html",
    });
    const fromUrl = await okTool(client, "upload_url", {
      index: "agent-notes",
      documentId: "handbook",
      url: `${site.url}/handbook.html`,
    });
    expect(fromUrl.json).toMatchObject({ documentId: "handbook" });
    expect(await waitForStatus(client, "agent-notes", "handbook")).toMatchObject({ completed: true });

    const search = await okTool(client, "search", {
      index: "agent-notes",
      query: "when do deploys go out",
      filters: [{ team: ["platform"] }],
      limit: 5,
    });
    const results = search.json.results as Array<{ documentId: string; partitions: Array<{ text: string }> }>;
    expect(results.map((r) => r.documentId)).toEqual(["deploys"]);
    expect(results[0]!.partitions[0]!.text).toContain("Tuesdays");
    const links = search.result.content.filter((c) => c.type === "resource_link");
    expect(links).toEqual([expect.objectContaining({ uri: "memory://agent-notes/deploys" })]);

    const ask = await okTool(client, "ask", {
      index: "agent-notes",
      question: "When does the on-call rotation change?",
    });
    expect(ask.json.noResult).toBe(false);
    expect(ask.text).toMatch(/Monday/);
    expect(ask.text).toContain("memory://agent-notes/handbook");
    const sources = ask.json.relevantSources as Array<{ documentId: string }>;
    expect(sources.map((s) => s.documentId)).toContain("handbook");

    const listed = await okTool(client, "list_documents", { index: "agent-notes" });
    expect((listed.json.documents as Array<{ documentId: string }>).map((d) => d.documentId).sort()).toEqual([
      "deploys",
      "handbook",
    ]);
    const indexes = await okTool(client, "list_indexes");
    expect(indexes.json.results).toContainEqual({ name: "agent-notes" });

    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining(["memory://agent-notes/deploys", "memory://agent-notes/handbook"]),
    );
    const read = await client.readResource({ uri: "memory://agent-notes/deploys" });
    expect((read.contents[0] as { text: string }).text).toContain("Rollbacks need two approvals");

    const judged = [{ query: "when do deploys go out", relevant: ["deploys"] }];
    const evaluated = await okTool(client, "evaluate", { index: "agent-notes", queries: judged });
    const runs = evaluated.json.runs as Array<{ name: string; ndcg: number }>;
    expect(runs.map((r) => r.name)).toEqual(["hybrid", "vector", "text", "settings"]);
    expect(runs.find((r) => r.name === "text")!.ndcg).toBe(1);

    await okTool(client, "delete_document", { index: "agent-notes", documentId: "deploys" });
    const gone = await callTool(client, "get_status", { index: "agent-notes", documentId: "deploys" });
    expect(gone.result.isError).toBe(true);
    expect(gone.text).toMatch(/not found/);
    await client.close();
  });

  it("answers bad input with an isError result naming the field, and changes nothing", async () => {
    const client = await connectMcp(mcpUrl(), { key: ADMIN_KEY });
    const bad = await callTool(client, "search", { index: "agent-notes", query: "x", minRelevance: 5 });
    expect(bad.result.isError).toBe(true);
    expect(bad.text).toMatch(/minRelevance/);
    const both = await callTool(client, "upload_text", { index: "agent-notes", text: "x", documentId: "bad id!" });
    expect(both.result.isError).toBe(true);
    expect(both.text).toMatch(/document/i);
    const missing = await callTool(client, "get_status", { index: "agent-notes", documentId: "never-uploaded" });
    expect(missing.result.isError).toBe(true);
    expect(missing.text).toMatch(/not found/);
    await expect(client.readResource({ uri: "memory://agent-notes/never-uploaded" })).rejects.toThrow(/not found/);
    const listed = await okTool(client, "list_documents", { index: "agent-notes" });
    expect((listed.json.documents as unknown[]).length).toBe(1);
    await client.close();
  });

  it("refuses a missing or wrong key with 401 ProblemDetails, and stateless GET/DELETE with 405", async () => {
    await expect(connectMcp(mcpUrl())).rejects.toThrow(/401/);
    await expect(connectMcp(mcpUrl(), { key: "not-a-key" })).rejects.toThrow(/401/);
    const raw = await fetch(mcpUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(raw.status).toBe(401);
    expect(raw.headers.get("content-type")).toContain("application/problem+json");
    const get = await api.call("/mcp", { headers: { accept: "text/event-stream" } });
    expect(get.status).toBe(405);
    await get.body?.cancel();
  });

  // A sample over one MCP session; every tool and resource × every kind of key: test/node/suites/isolation.test.ts.
  it("scopes a sample of tools and resources to the key: a foreign index does not exist, a read key cannot write", async () => {
    const admin = await connectMcp(mcpUrl(), { key: ADMIN_KEY });
    await okTool(admin, "upload_text", { index: "acme-wiki", documentId: "a1", text: "Acme ships rockets." });
    await waitForStatus(admin, "acme-wiki", "a1");
    const mint = async (scope: string) => {
      const res = await api.postJson("/keys", { name: `mcp ${scope}`, scope, indexes: ["acme-*"] });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; key: string };
    };
    const writer = await connectMcp(mcpUrl(), { key: (await mint("write")).key });
    const indexes = await okTool(writer, "list_indexes");
    expect(indexes.json.results).toEqual([{ name: "acme-wiki" }]);
    const foreign = await callTool(writer, "search", { index: "agent-notes", query: "deploys" });
    expect(foreign.result.isError).toBe(true);
    expect(foreign.text).toMatch(/not found/);
    expect(foreign.text).not.toMatch(/Tuesdays|on-call/);
    const { resources } = await writer.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["memory://acme-wiki/a1"]);
    await expect(writer.readResource({ uri: "memory://agent-notes/handbook" })).rejects.toThrow(/not found/);
    await okTool(writer, "upload_text", { index: "acme-wiki", documentId: "a2", text: "More rockets." });
    const outside = await callTool(writer, "upload_text", { index: "agent-notes", text: "intrusion" });
    expect(outside.result.isError).toBe(true);
    expect(outside.text).toMatch(/not found/);

    const readerKey = await mint("read");
    const reader = await connectMcp(mcpUrl(), { key: readerKey.key });
    expect((await okTool(reader, "search", { index: "acme-wiki", query: "rockets" })).json.noResult).toBe(false);
    const judged = { index: "acme-wiki", queries: [{ query: "rockets", relevant: ["a1"] }] };
    expect((await okTool(reader, "evaluate", judged)).json.queries).toBe(1);
    const applying = await callTool(reader, "evaluate", { ...judged, tune: true, apply: true });
    expect(applying.result.isError).toBe(true);
    expect(applying.text).toMatch(/'read' scope/);
    const refused = await callTool(reader, "delete_document", { index: "acme-wiki", documentId: "a1" });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toMatch(/'read' scope/);
    expect((await okTool(admin, "get_status", { index: "acme-wiki", documentId: "a1" })).json.completed).toBe(true);

    const revoke = await api.call(`/keys/${readerKey.id}`, { method: "DELETE" });
    expect(revoke.status).toBe(200);
    await expect(connectMcp(mcpUrl(), { key: readerKey.key })).rejects.toThrow(/401/);
    for (const c of [admin, writer, reader]) await c.close();
  });
});

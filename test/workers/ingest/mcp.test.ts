/**
 * The MCP endpoint and scoped keys inside workerd, through the real Worker
 * entrypoint and the `neon()` HTTP transport, driven by the MCP SDK's own
 * client (its `fetch` pointed at the Worker): initialize, list tools, call
 * every tool, an error case; then the stored-key path with `API_KEYS` set —
 * keys created over HTTP, looked up and cached in the isolate, a foreign index
 * not found, a read key refused a write, wrong and revoked keys refused.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../../functions/worker.js";
import { callTool, connectMcp, okTool, TOOL_NAMES, waitForStatus } from "../../helpers/mcp-client.js";

const BASE = "http://worker.test";
const ADMIN_KEY = "workerd-admin-key-77e0c1";

/**
 * The API Worker's own entrypoint with the project's bindings (no API_KEYS: open). It runs in the ingestion
 * Worker's project, whose queue consumer ingests what the MCP tools upload.
 */
const openFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  worker.fetch(
    new Request(input as RequestInfo, init) as never,
    env as never,
    createExecutionContext(),
  )) as typeof fetch;

/** The same entrypoint with API_KEYS set, as `wrangler secret put API_KEYS` would. */
const keyedFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  worker.fetch(
    new Request(input as RequestInfo, init) as never,
    { ...env, API_KEYS: ADMIN_KEY } as never,
    createExecutionContext(),
  )) as typeof fetch;

describe("workerd: MCP over streamable HTTP", () => {
  it("initializes, lists the tools and calls each of them", async () => {
    const client = await connectMcp(`${BASE}/mcp`, { fetch: openFetch });
    expect(client.getServerVersion()?.name).toBe("serverless-memory");
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);

    const text = "On Workers the MCP endpoint is stateless: every POST builds its own server and transport.";
    await okTool(client, "upload_text", { index: "MCP Docs", documentId: "stateless", text });
    expect(await waitForStatus(client, "mcp-docs", "stateless")).toMatchObject({ completed: true });

    const search = await okTool(client, "search", { index: "mcp-docs", query: "is the endpoint stateless" });
    expect((search.json.results as Array<{ documentId: string }>)[0]?.documentId).toBe("stateless");
    expect(search.result.content.some((c) => c.type === "resource_link")).toBe(true);
    const ask = await okTool(client, "ask", { index: "mcp-docs", question: "What does every POST build?" });
    expect(ask.json.noResult).toBe(false);
    expect(ask.text).toContain("memory://mcp-docs/stateless");

    // No network here: a loopback URL exercises the tool up to the fetch guard, which refuses it before storing.
    const page = await callTool(client, "upload_url", {
      index: "mcp-docs",
      documentId: "page",
      url: "http://127.0.0.1:9/x",
    });
    expect(page.result.isError).toBe(true);
    expect(page.text).toMatch(/loopback/);
    await okTool(client, "upload_text", { index: "mcp-docs", documentId: "page", text: "A second page." });

    const docs = await okTool(client, "list_documents", { index: "mcp-docs" });
    expect((docs.json.documents as Array<{ documentId: string }>).map((d) => d.documentId).sort()).toEqual([
      "page",
      "stateless",
    ]);
    expect((await okTool(client, "list_indexes")).json.results).toContainEqual({ name: "mcp-docs" });
    const read = await client.readResource({ uri: "memory://mcp-docs/stateless" });
    expect((read.contents[0] as { text: string }).text).toContain("builds its own server");
    await okTool(client, "delete_document", { index: "mcp-docs", documentId: "page" });
    expect((await callTool(client, "get_status", { index: "mcp-docs", documentId: "page" })).result.isError).toBe(true);
    await client.close();
  });

  it("answers bad input with an isError result", async () => {
    const client = await connectMcp(`${BASE}/mcp`, { fetch: openFetch });
    const bad = await callTool(client, "ask", { index: "mcp-docs", question: "" });
    expect(bad.result.isError).toBe(true);
    expect(bad.text).toMatch(/question/);
    await client.close();
  });
});

describe("workerd: scoped keys", () => {
  // A sample of routes and tools; every route and tool × every kind of key: test/workers/ingest/isolation.test.ts.
  it("creates keys over HTTP and holds a sample of routes and tools to them", async () => {
    const admin = (path: string, init: RequestInit = {}) =>
      keyedFetch(`${BASE}${path}`, {
        ...init,
        headers: { authorization: ADMIN_KEY, "content-type": "application/json", ...init.headers },
      });
    const mint = async (scope: string) => {
      const res = await admin("/keys", {
        method: "POST",
        body: JSON.stringify({ name: `t ${scope}`, scope, indexes: ["tenant-*"] }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; key: string };
    };
    const writer = await mint("write");
    const reader = await mint("read");

    const as = (key: string, path: string, init: RequestInit = {}) =>
      keyedFetch(`${BASE}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      });
    const up = await as(writer.key, "/upload", {
      method: "POST",
      body: JSON.stringify({ index: "tenant-a", documentId: "t1", text: "Tenant A keeps its notes here." }),
    });
    expect(up.status).toBe(202);
    const foreign = await as(writer.key, "/search", {
      method: "POST",
      body: JSON.stringify({ index: "mcp-docs", query: "x" }),
    });
    expect(foreign.status).toBe(404);
    const readWrite = await as(reader.key, "/documents?index=tenant-a&documentId=t1", { method: "DELETE" });
    expect(readWrite.status).toBe(403);
    expect(readWrite.headers.get("content-type")).toContain("application/problem+json");
    const listed = (await (await as(reader.key, "/indexes")).json()) as { results: Array<{ name: string }> };
    expect(listed.results).toEqual([{ name: "tenant-a" }]);

    const mcp = await connectMcp(`${BASE}/mcp`, { key: reader.key, fetch: keyedFetch });
    expect((await okTool(mcp, "list_indexes")).json.results).toEqual([{ name: "tenant-a" }]);
    const hidden = await callTool(mcp, "list_documents", { index: "mcp-docs" });
    expect(hidden.result.isError).toBe(true);
    expect(hidden.text).toMatch(/not found/);
    await mcp.close();

    await expect(connectMcp(`${BASE}/mcp`, { key: "smk_not_a_key", fetch: keyedFetch })).rejects.toThrow(/401/);
    expect((await admin(`/keys/${reader.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await as(reader.key, "/indexes")).status).toBe(401);
    await expect(connectMcp(`${BASE}/mcp`, { key: reader.key, fetch: keyedFetch })).rejects.toThrow(/401/);
  });
});

/**
 * Kernel Memory's system tags in filters (issue #20 item 2), with the exact
 * requests its .NET client sends, on the Node server over PostgreSQL (pool
 * transport) and on the embedded default (PGlite, no DATABASE_URL); the MCP
 * search tool takes the same filters. The workerd run is in
 * test/workers/ingest/km-filters.test.ts.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, apiClient, startApiServer } from "../../helpers/api.js";
import { checkKmFilters, KM_FILTER_INDEX, seedKmFilterDocs } from "../../helpers/km-filter-scenario.js";
import { callTool, connectMcp } from "../../helpers/mcp-client.js";
import { freePort, type ServerProcess, startServerProcess } from "../../helpers/server-process.js";

describe("Node server on PostgreSQL", () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer();
    await seedKmFilterDocs(api.call);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it("filters by KM's system tags as KM does", async () => {
    await checkKmFilters(api.call);
  });

  it("takes the same filters through the MCP search tool", async () => {
    const client = await connectMcp(`${api.url}/mcp`);
    try {
      const { result, json } = await callTool(client, "search", {
        index: KM_FILTER_INDEX,
        query: "deploys",
        filters: [{ __document_id: ["km-alpha"] }],
      });
      expect(result.isError).not.toBe(true);
      const results = json.results as Array<{ documentId: string }>;
      expect(results.length).toBeGreaterThan(0);
      expect(new Set(results.map((c) => c.documentId))).toEqual(new Set(["km-alpha"]));
      const typo = await callTool(client, "search", {
        index: KM_FILTER_INDEX,
        query: "x",
        filters: [{ __nope: ["x"] }],
      });
      expect(typo.result.isError).toBe(true);
      expect(typo.text).toMatch(/reserved for system tags/);
    } finally {
      await client.close();
    }
  });
});

describe("embedded default (PGlite)", () => {
  let server: ServerProcess;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "km-filters-"));
    // The server process as `npm start` runs it, with no DATABASE_URL: the embedded default.
    const env = { PGLITE_DIR: dir, LOG_LEVEL: "error" };
    server = await startServerProcess({ entry: "functions/node.ts", port: await freePort(), env });
    await seedKmFilterDocs(apiClient(server.url).call);
  }, 180_000);
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("filters by KM's system tags as KM does", async () => {
    await checkKmFilters(apiClient(server.url).call);
  });
});

/**
 * Tenant isolation, generated (test/helpers/isolation-*.ts): every operation the running Node server lists in
 * its /openapi.json and its MCP server lists (tools, resources) × {env admin, stored admin, write and read keys
 * for ta-*, revoked, unknown, no key}, each request aimed at tenant tb. Nothing of tb reaches a ta key or a
 * key that is not one, nothing of tb changes, admins are allowed. A route or tool added later is in the matrix
 * without a line here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../helpers/api.js";
import { createKeys, type Send } from "../../helpers/isolation-fixture.js";
import { httpOperations, mcpOperations } from "../../helpers/isolation-operations.js";
import { runIsolation } from "../../helpers/isolation-run.js";

const ADMIN_KEY = "isolation-admin-key-4d1f9b27";
let api: ApiServer;
let send: Send;

beforeAll(async () => {
  // Private addresses allowed: tb's source points at a closed loopback port, so its syncs fail at once.
  api = await startApiServer({ API_KEYS: ADMIN_KEY, SOURCE_ALLOW_PRIVATE: "true" });
  send = (path, init) => fetch(`${api.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
});

afterAll(async () => {
  await api?.close();
});

describe("tenant isolation: every operation × every kind of key, aimed at another tenant", () => {
  it("refuses ta's keys everything of tb, lets admins in, and changes nothing of tb", async () => {
    const keys = await createKeys(send, ADMIN_KEY);
    const operations = [...(await httpOperations(send, ADMIN_KEY)), ...(await mcpOperations(send, ADMIN_KEY))];
    const report = await runIsolation({ send, keys, operations });
    console.log(
      `[measured] isolation (node): ${operations.length} operations, ${report.checked} requests; admin answers with tb's secret: ${report.adminSawSecret.join(", ")}`,
    );
    expect(report.failures).toEqual([]);
    expect(operations.map((o) => o.name)).toEqual(
      expect.arrayContaining([
        "GET /download",
        "POST /search",
        "tool search",
        "resources/read memory://{index}/{documentId}",
      ]),
    );
    // The requests do reach tb: an admin sending them reads its secret through every kind of read.
    expect(report.adminSawSecret).toEqual(
      expect.arrayContaining([
        "GET /download",
        "POST /search",
        "tool search",
        "resources/read memory://{index}/{documentId}",
      ]),
    );
  });
});

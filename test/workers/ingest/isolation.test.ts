/**
 * Tenant isolation inside workerd, generated like test/node/suites/isolation.test.ts: every operation the API
 * Worker lists in its /openapi.json and its MCP server lists × every kind of key, each aimed at tenant tb,
 * through the API Worker's own `fetch` (the `neon()` HTTP transport); the ingestion Worker of this project
 * ingests the seed. Nothing of tb reaches a ta key or a non-key, nothing of tb changes, admins are allowed.
 */
import { describe, expect, it } from "vitest";
import { createKeys, type Send } from "../../helpers/isolation-fixture.js";
import { httpOperations, mcpOperations } from "../../helpers/isolation-operations.js";
import { runIsolation } from "../../helpers/isolation-run.js";
import { apiModule } from "../worker-api.js";

const ADMIN_KEY = "workerd-isolation-admin-6b02e4";
// Private addresses allowed: tb's source points at a closed loopback port, so its syncs fail at once.
const send: Send = (path, init) => apiModule(path, init, { API_KEYS: ADMIN_KEY, SOURCE_ALLOW_PRIVATE: "true" });

describe("workerd: tenant isolation, every operation × every kind of key", () => {
  it("refuses ta's keys everything of tb, lets admins in, and changes nothing of tb", async () => {
    const keys = await createKeys(send, ADMIN_KEY);
    const operations = [...(await httpOperations(send, ADMIN_KEY)), ...(await mcpOperations(send, ADMIN_KEY))];
    // On Workers the ingestion Worker's cron runs jobs; the API Worker answers /jobs/run with 404 by design.
    const absentHere = new Set(["GET /jobs/run", "POST /jobs/run"]);
    const report = await runIsolation({ send, keys, operations, absentHere });
    console.log(
      `[measured] isolation (workerd): ${operations.length} operations, ${report.checked} requests; admin answers with tb's secret: ${report.adminSawSecret.join(", ")}`,
    );
    expect(report.failures).toEqual([]);
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

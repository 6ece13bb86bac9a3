/**
 * Transaction pooling (Neon's `-pooler` endpoint is PgBouncer in transaction mode): between two
 * transactions a server connection passes to another client, so nothing the service sends may leave
 * session state behind — no session `SET`, session advisory lock, `LISTEN`, named prepared statement,
 * temp table or held cursor. The service runs its whole surface through a real PgBouncer (migrations
 * racing from three instances, uploads, ingestion, search, ask, listings, deletes, health, scheduled
 * jobs); then every server connection PgBouncer holds for it is inspected. Whoever introduces session
 * state later (a per-connection `SET hnsw.ef_search`, say), this suite fails on it.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScheduled } from "../../../lib/jobs/scheduled.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { apiClient, waitForIngestion } from "../../helpers/api.js";
import { startServer } from "../../helpers/app-server.js";
import { createTestDatabase, type TestDatabase, uniqueAppName } from "../../helpers/database.js";
import { testRuntime } from "../../helpers/runtime.js";
import {
  bouncerServerPids,
  leaks,
  pooledUrl,
  requireScaleOutStack,
  type SessionState,
  sessionStateBehindPooler,
  showPools,
} from "../../helpers/scale-out.js";
import { corpusText } from "../../helpers/suite-stack.js";

let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  await requireScaleOutStack();
  proxy = await startNeonProxy();
});

afterAll(async () => {
  await proxy?.close();
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function freshDatabase(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  databases.push(db);
  return db;
}

describe("what the service leaves on a transaction-pooled connection", () => {
  it("the inspection finds each kind of session state when a client leaves it behind", async () => {
    const database = await freshDatabase("smaudit0");
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: pooledUrl(database.name) });
    await client.connect();
    try {
      // Each statement is its own transaction, as the service's would be; all land on one server connection.
      for (const text of [
        "set hnsw.ef_search = 77",
        "listen sm_channel",
        "prepare sm_named as select 1",
        "select pg_advisory_lock(4242)",
        "create temp table sm_scratch (x int)",
      ]) {
        await client.query(text);
      }
    } finally {
      await client.end();
    }
    const found = leaks(await sessionStateBehindPooler(database.name, "postgres"));
    expect(found.some((l) => l.includes("settings: hnsw.ef_search=77"))).toBe(true);
    expect(found.some((l) => l.includes("channels: sm_channel"))).toBe(true);
    expect(found.some((l) => l.includes("prepared: sm_named"))).toBe(true);
    expect(found.some((l) => l.includes("advisoryLocks: 4242"))).toBe(true);
    expect(found.some((l) => l.includes("tempTables: sm_scratch"))).toBe(true);
  });

  it("the whole service through PgBouncer works and leaves none", async () => {
    const database = await freshDatabase("smaudit");
    const env = (name: string) => ({
      DATABASE_URL: pooledUrl(database.name),
      DB_TRANSPORT: "pool",
      NEON_LOCAL_PROXY: proxy.address,
      DB_APPLICATION_NAME: uniqueAppName(name),
      DB_POOL_MAX: "4",
      LOG_LEVEL: "error",
    });
    // Three instances race to migrate the empty database through the pooler (transaction-scoped advisory locks).
    const servers = await Promise.all(["a", "b", "c"].map((n) => startServer(env(`audit-${n}`))));
    try {
      const apis = servers.map((s) => apiClient(s.url));
      const ready = await Promise.all(apis.map((api) => api.call("/health?check=db")));
      expect(ready.map((r) => r.status)).toEqual([200, 200, 200]);
      const docs = Array.from({ length: 6 }, (_, i) => `doc-${i}`);
      const uploads = await Promise.all(
        docs.map((id, i) =>
          apis[i % 3]!.postJson("/upload", {
            index: "audit",
            documentId: id,
            text: corpusText(i, 2),
            tags: { n: [String(i)] },
          }),
        ),
      );
      expect(uploads.map((r) => r.status)).toEqual(docs.map(() => 202));
      for (const [i, id] of docs.entries()) {
        const status = await waitForIngestion(apis[i % 3]!, "audit", id);
        expect(status.completed).toBe(true);
      }

      const search = await apis[0]!.postJson("/search", { index: "audit", query: "lantern report tides", limit: 5 });
      expect(search.status).toBe(200);
      const found = (await search.json()) as { results: Array<{ documentId: string }> };
      expect(found.results.map((r) => r.documentId)).toContain("doc-1");
      const vectorOnly = await apis[1]!.postJson("/search", {
        index: "audit",
        query: "falcon",
        filters: [{ n: ["5"] }],
        args: { hybrid: false },
      });
      expect(((await vectorOnly.json()) as { results: Array<{ documentId: string }> }).results[0]?.documentId).toBe(
        "doc-5",
      );
      const ask = await apis[2]!.postJson("/ask", { index: "audit", question: "What does the orchard report cover?" });
      expect(ask.status).toBe(200);
      const streamed = await apis[0]!.postJson("/ask", { index: "audit", question: "copper?", stream: true });
      expect(streamed.status).toBe(200);
      await streamed.text();
      expect((await apis[1]!.call("/indexes")).status).toBe(200);
      expect((await apis[2]!.call("/documents?index=audit")).status).toBe(200);
      expect((await apis[0]!.call("/documents?index=audit&documentId=doc-0", { method: "DELETE" })).status).toBe(202);
      expect((await apis[1]!.call("/upload-status?index=audit&documentId=doc-1")).status).toBe(200);
      await runScheduled({ runtime: testRuntime, cron: "* * * * *", env: { ...process.env, ...env("audit-cron") } });
      await runScheduled({ runtime: testRuntime, cron: "17 3 * * *", env: { ...process.env, ...env("audit-cron") } });

      // The instances stop first, so no one but the inspection takes a server connection from here on.
      await Promise.allSettled(servers.map((s) => s.close()));
      const pool = (await showPools()).find((p) => p.database === database.name && p.user === "postgres");
      expect(pool?.servers ?? 0).toBeGreaterThan(0);
      const held = await bouncerServerPids(database.name, "postgres");
      // As many clients as PgBouncer holds server connections, each in a transaction at once: each takes one of
      // them (idle ones before new ones), so every connection the service left behind is inspected.
      const states: SessionState[] = await sessionStateBehindPooler(database.name, "postgres", held.length);
      expect(states.map((s) => s.pid).sort((a, b) => a - b)).toEqual([...held].sort((a, b) => a - b));
      expect(leaks(states)).toEqual([]);
    } finally {
      await Promise.allSettled(servers.map((s) => s.close()));
    }
  });
});

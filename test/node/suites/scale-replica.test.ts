/**
 * Read replicas, proven against a real hot standby streaming from the primary (scripts/setup-scale-out.sh):
 * with `DATABASE_READ_URL`, search, ask, listings and health read on the standby (its own
 * `pg_stat_activity` shows the service's backends); writes and upload-status stay on the primary; a
 * paused replay never shows a document as missing after its `completed` status; a stopped standby costs
 * no request a 5xx, and reads return to it once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForIngestion } from "../../helpers/api.js";
import { uniqueAppName } from "../../helpers/database.js";
import {
  onStandby,
  requireScaleOutStack,
  standbyUrl,
  startStandby,
  stopStandby,
  waitForReplay,
} from "../../helpers/scale-out.js";
import { type Stack, type SuiteServer, startStack } from "../../helpers/suite-stack.js";

type Reads = { replica: number; primary: number; lagged: number; failedOver: number; replicaDown: boolean };

let stack: Stack;
let server: SuiteServer;
const appName = uniqueAppName("replica");

beforeAll(async () => {
  await requireScaleOutStack();
  stack = await startStack("smreplica");
  await waitForReplay();
  server = await stack.serve({
    DATABASE_READ_URL: standbyUrl(stack.database.name),
    DB_APPLICATION_NAME: appName,
    DB_READ_MAX_WAIT_MS: "300",
    DB_READ_COOLDOWN_MS: "500",
    // Long enough that no search of this suite re-reads the index's settings, so the counts below do not depend
    // on how long the suite takes.
    SEARCH_SETTINGS_TTL_MS: "600000",
  });
});

afterAll(async () => {
  await stack?.close();
});

async function reads(): Promise<Reads & { handles: number }> {
  const body = (await (await server.call("/health")).json()) as { db: { reads: Reads; handles: number } };
  return { ...body.db.reads, handles: body.db.handles };
}

async function upload(documentId: string, text: string): Promise<void> {
  const res = await server.postJson("/upload", { index: "replica", documentId, text });
  expect(res.status).toBe(202);
  expect((await waitForIngestion(server, "replica", documentId)).completed).toBe(true);
}

async function searchIds(query: string): Promise<string[]> {
  const res = await server.postJson("/search", { index: "replica", query, limit: 10 });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ documentId: string }> }).results.map((r) => r.documentId);
}

const standbyBackends = () =>
  onStandby(
    async (c) =>
      (
        await c.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = $2",
          [appName, stack.database.name],
        )
      ).rows[0]!.n,
  );

// A warm search is one read, on the replica: the search statement. The index's stored ranking settings are read
// (on the replica too) by the instance's first search of the index, then kept for SEARCH_SETTINGS_TTL_MS.
const READS_PER_SEARCH = 1;

describe("DATABASE_READ_URL on a hot standby", () => {
  it("search, ask, listings and health read on the standby; writes and upload-status stay on the primary", async () => {
    await upload("tides", "The harbour tide tables are published every Monday by the port office.");
    await waitForReplay();
    const before = await reads();
    expect(await searchIds("harbour tide tables")).toEqual(["tides"]);
    const ask = await server.postJson("/ask", { index: "replica", question: "When are tide tables published?" });
    expect(ask.status).toBe(200);
    expect((await ask.json()) as { noResult: boolean }).toMatchObject({ noResult: false });
    expect((await server.call("/documents?index=replica")).status).toBe(200);
    expect((await server.call("/indexes")).status).toBe(200);
    const after = await reads();
    expect(after.handles).toBe(2);
    expect(after.replica - before.replica).toBeGreaterThanOrEqual(4);
    expect(after.failedOver).toBe(0);
    // The service's own backends on the standby: the read handle's pool, bounded like the primary's.
    const onReplica = await standbyBackends();
    expect(onReplica).toBeGreaterThan(0);
    expect(onReplica).toBeLessThanOrEqual(5);
  });

  it("with replay paused, a document is never missing after its completed status", async () => {
    await onStandby((c) => c.query("select pg_wal_replay_pause()"));
    try {
      await upload("lanterns", "Copper lanterns line the north quay and are lit at dusk.");
      // The standby really is behind: it has not seen the document at all.
      const onStandbyNow = await onStandby(
        async (c) =>
          (await c.query("select count(*)::int as n from memory_documents where document_id = 'lanterns'")).rows[0].n,
        stack.database.name,
      );
      expect(onStandbyNow).toBe(0);
      const before = await reads();
      expect(await searchIds("copper lanterns quay")).toContain("lanterns");
      const listed = (await (await server.call("/documents?index=replica")).json()) as {
        documents: Array<{ documentId: string; completed: boolean }>;
      };
      expect(listed.documents.find((d) => d.documentId === "lanterns")?.completed).toBe(true);
      const after = await reads();
      expect(after.lagged - before.lagged).toBeGreaterThanOrEqual(2);
    } finally {
      await onStandby((c) => c.query("select pg_wal_replay_resume()"));
    }
    await waitForReplay();
    const before = await reads();
    expect(await searchIds("copper lanterns quay")).toContain("lanterns");
    const after = await reads();
    expect(after.replica - before.replica).toBe(READS_PER_SEARCH);
    expect(after.lagged).toBe(before.lagged);
  });

  it("a stopped standby: every read is answered by the primary without a 5xx, then reads return to the standby", async () => {
    await stopStandby();
    try {
      const statuses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 3 === 0
            ? server.postJson("/search", { index: "replica", query: "tide tables" })
            : i % 3 === 1
              ? server.call("/documents?index=replica")
              : server.call("/health?check=db"),
        ).map(async (pending) => {
          const res = await pending;
          await res.text();
          return res.status;
        }),
      );
      expect(statuses).toEqual(statuses.map(() => 200));
      expect(await searchIds("harbour tide tables")).toContain("tides");
      const down = await reads();
      expect(down.failedOver).toBeGreaterThan(0);
      expect(down.replicaDown).toBe(true);
    } finally {
      await startStandby();
    }
    await waitForReplay();
    await new Promise((r) => setTimeout(r, 600)); // the cooldown
    const before = await reads();
    expect(await searchIds("harbour tide tables")).toContain("tides");
    const after = await reads();
    expect(after.replica - before.replica).toBe(READS_PER_SEARCH);
    expect(after.replicaDown).toBe(false);
  });
});

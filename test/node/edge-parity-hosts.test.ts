/**
 * The MCP edge's worst cases, against the real Node server process on PostgreSQL (pool transport) and on the
 * embedded default (PGlite in its thread, no DATABASE_URL): `upload_text` with args 4,000 deep (once accepted, it
 * ended the server ~66 s later on PostgreSQL and stopped every tenant's ingestion on PGlite) and JSON-RPC batches
 * of 5,000 `search` calls (once run as 5,000 requests: other tenants' searches answered 503, RSS 2 GB). Both are
 * refused; meanwhile `/health` answers within HEALTH_BOUND_MS, another tenant's upload completes through HTTP and
 * MCP, and the process is alive afterwards.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NeonProxy, startNeonProxy } from "../../scripts/neon-proxy/server.js";
import { nestedJson } from "../helpers/attack-files.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { outcomeOf, postMcp, toolCall } from "../helpers/edge-parity.js";
import { freePort, startServerProcess } from "../helpers/server-process.js";

/** Slowest /health seen here while under these requests: see the [measured] line; the bound keeps ≥ 2× margin. */
const HEALTH_BOUND_MS = 1_000;
const BATCHES = 3;

let proxy: NeonProxy;
let dataRoot: string;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  proxy = await startNeonProxy();
  dataRoot = await mkdtemp(path.join(tmpdir(), "sm-edge-hosts-"));
});

afterAll(async () => {
  await proxy?.close();
  for (const db of databases) await db.drop();
  await rm(dataRoot, { recursive: true, force: true });
});

type Status = { completed?: boolean; failed?: boolean };

async function waitCompleted(url: string, index: string, documentId: string): Promise<Status> {
  let last: Status = {};
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`${url}/upload-status?index=${index}&documentId=${documentId}`);
    if (res.status === 200) last = (await res.json()) as Status;
    if (last.completed || last.failed) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${index}/${documentId} did not settle in 60 s: ${JSON.stringify(last)}`);
}

async function replay(label: string, env: Record<string, string>): Promise<void> {
  const server = await startServerProcess({
    entry: "functions/node.ts",
    port: await freePort(),
    env: { ...env, JOBS_INTERVAL_MS: "1000", LOG_LEVEL: "error" },
  });
  const { url } = server;
  try {
    // Warm: the first MCP request loads the SDK and the first upload starts the extraction (and database) threads,
    // a cold start's one-off work (BENCHMARKS.md, coldstart) that is not what this test measures.
    expect((await outcomeOf(await postMcp(url, toolCall("list_indexes", {})))).refused).toBe(false);
    const warm = await fetch(`${url}/upload`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ index: "tb", documentId: "warm", text: "Warming up the lamp room." }),
    });
    expect(warm.status).toBe(202);
    expect(await waitCompleted(url, "tb", "warm")).toMatchObject({ completed: true });
    await server.resetProbe();
    let polling = true;
    const health: number[] = [];
    const poller = (async () => {
      while (polling) {
        const started = performance.now();
        const status = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) }).then(
          (r) => r.status,
          () => 0,
        );
        health.push(status === 200 ? performance.now() - started : Number.POSITIVE_INFINITY);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"upload_text","arguments":{"index":"ta","documentId":"deep","text":"x","args":${nestedJson(4_000)}}}}`;
    const searches = JSON.stringify(
      Array.from({ length: 5_000 }, () => toolCall("search", { index: "tb", query: "lighthouse" })),
    );
    const [deepOutcome, batches, otherHttp, otherMcp] = await Promise.all([
      postMcp(url, deep).then(outcomeOf),
      Promise.all(Array.from({ length: BATCHES }, () => postMcp(url, searches).then((r) => r.status))),
      fetch(`${url}/upload`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ index: "tb", documentId: "other-http", text: "The lighthouse keeper lights the lamp." }),
      }).then((r) => r.status),
      postMcp(
        url,
        toolCall("upload_text", { index: "tb", documentId: "other-mcp", text: "The harbour master logs the tide." }),
      ).then(outcomeOf),
    ]);
    expect(deepOutcome.refused, deepOutcome.text).toBe(true);
    expect(deepOutcome.text).toMatch(/nested more than 32 levels deep/);
    expect(batches).toEqual(Array(BATCHES).fill(400));
    expect(otherHttp).toBe(202);
    expect(otherMcp.refused, otherMcp.text).toBe(false);
    expect(await waitCompleted(url, "tb", "other-http")).toMatchObject({ completed: true });
    expect(await waitCompleted(url, "tb", "other-mcp")).toMatchObject({ completed: true });
    // Nothing of the refused upload was stored.
    expect((await fetch(`${url}/upload-status?index=ta&documentId=deep`)).status).toBe(404);
    // A scheduler tick or two later, the process is still there and still ingests.
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await fetch(`${url}/upload`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ index: "tb", documentId: "after", text: "Later, the lamp is put out at dawn." }),
    });
    expect(after.status).toBe(202);
    expect(await waitCompleted(url, "tb", "after")).toMatchObject({ completed: true });
    polling = false;
    await poller;
    const slowest = Math.max(...health);
    const probe = await server.probe();
    console.log(
      `[measured] MCP edge (${label}): ${health.length} /health polls, slowest ${slowest.toFixed(0)} ms; ` +
        `max event-loop delay ${probe.maxLoopDelayMs.toFixed(0)} ms; peak RSS ${probe.windowPeakRssMb.toFixed(0)} MB; ` +
        `deep upload_text → ${deepOutcome.how}; ${BATCHES} batches of 5,000 → ${batches.join(", ")}`,
    );
    expect(health.length).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(HEALTH_BOUND_MS);
    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
  } catch (error) {
    console.log(`server output (tail):\n${server.output().slice(-5000)}`);
    throw error;
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

describe("deep args and batches through MCP, against the Node server", () => {
  it("on PostgreSQL (pool transport): refused; /health fast, other tenants ingest, the process lives", async () => {
    const database = await createTestDatabase("smedgehost");
    databases.push(database);
    await replay("pool", { DATABASE_URL: database.url, DB_TRANSPORT: "pool", NEON_LOCAL_PROXY: proxy.address });
  }, 180_000);

  it("on the embedded default (PGlite, no DATABASE_URL): the same", async () => {
    await replay("embedded", { PGLITE_DIR: path.join(dataRoot, "pglite") });
  }, 180_000);
});

/**
 * The MCP edge's worst cases, against the real Node server process on PostgreSQL (pool transport) and on the
 * embedded default (PGlite in its thread, no DATABASE_URL): `upload_text` with args 4,000 deep (once accepted, it
 * ended the server ~66 s later on PostgreSQL and stopped every tenant's ingestion on PGlite) and JSON-RPC batches
 * of 5,000 `search` calls (once run as 5,000 requests: other tenants' searches answered 503, RSS 2 GB). Both are
 * refused; meanwhile `/health` answers within HEALTH_BOUND_MS, another tenant's upload completes through HTTP and
 * MCP, and the process is alive afterwards.
 *
 * Then the thread boundaries themselves: a job whose stored args are 4,000 deep (written past the edge, as a
 * database from before the edge refused them would hold) is run by the restarted server's scheduler. It fails at
 * once with a readable error (PostgreSQL: the extraction thread's task cannot be sent; PGlite: the database
 * thread's answer cannot be read), another tenant's upload completes beside it, and a further restart stays quiet.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteThreadDb } from "../../../lib/db/pglite-thread.js";
import type { Db } from "../../../lib/db/types.js";
import { DEFAULT_STEPS } from "../../../lib/memory/types.js";
import { saveUpload } from "../../../lib/store/memory-store.js";
import { type NeonProxy, startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { nestedJson } from "../../helpers/attack-files.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { dbConfig, networkDb } from "../../helpers/db-handles.js";
import { outcomeOf, postMcp, toolCall } from "../../helpers/edge-parity.js";
import { freePort, startServerProcess } from "../../helpers/server-process.js";

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

type Status = { completed?: boolean; failed?: boolean; error?: { step: string; message: string } | null };

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

const serverFor = async (env: Record<string, string>) =>
  startServerProcess({
    entry: "functions/node.ts",
    port: await freePort(),
    env: { ...env, JOBS_INTERVAL_MS: "1000", LOG_LEVEL: "error" },
  });

const postText = (url: string, index: string, documentId: string, text: string) =>
  fetch(`${url}/upload`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ index, documentId, text }),
  });

/** Queues a job for a document whose args are 4,000 deep, straight into the database (the edge refuses them). */
async function poison(db: Db): Promise<void> {
  let args: Record<string, unknown> = {};
  for (let i = 0; i < 4_000; i++) args = { a: args };
  const bytes = new TextEncoder().encode("A document whose options nobody can read.");
  await saveUpload(db, {
    index: "ta",
    documentId: "poisoned",
    tags: {},
    steps: DEFAULT_STEPS,
    args,
    files: [{ fileId: "f", name: "p.txt", contentType: "text/plain", size: bytes.length, sha256: "x", bytes }],
    maxAttempts: 5,
    textConfig: "english",
  });
  await db.close();
}

/** The server restarted over the poisoned job: it fails at once, others ingest; restarted again, nothing moves. */
async function restartOverPoison(env: Record<string, string>, expected: RegExp): Promise<void> {
  for (const round of [1, 2]) {
    const server = await serverFor(env);
    try {
      const poisoned = await waitCompleted(server.url, "ta", "poisoned");
      expect(poisoned.failed, JSON.stringify(poisoned)).toBe(true);
      expect(poisoned.error?.message).toMatch(expected);
      expect((await postText(server.url, "tb", `after-restart-${round}`, "The tide turns at noon.")).status).toBe(202);
      expect(await waitCompleted(server.url, "tb", `after-restart-${round}`)).toMatchObject({ completed: true });
      const started = performance.now();
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(HEALTH_BOUND_MS);
      expect(server.child.exitCode).toBeNull();
    } catch (error) {
      console.log(`server output (tail):\n${server.output().slice(-5000)}`);
      throw error;
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }
}

async function replay(label: string, env: Record<string, string>): Promise<void> {
  const server = await serverFor(env);
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
    const env = { DATABASE_URL: database.url, DB_TRANSPORT: "pool", NEON_LOCAL_PROXY: proxy.address };
    await replay("pool", env);
    await poison(networkDb("pool", proxy.address, dbConfig(database.url)));
    await restartOverPoison(env, /could not be sent to the extraction thread/);
  }, 300_000);

  it("on the embedded default (PGlite, no DATABASE_URL): the same", async () => {
    const pgliteDir = path.join(dataRoot, "pglite");
    await replay("embedded", { PGLITE_DIR: pgliteDir });
    await poison(createPgliteThreadDb({ ...dbConfig("unused", { transport: "pglite" }), pgliteDir }));
    await restartOverPoison({ PGLITE_DIR: pgliteDir }, /could not cross the embedded database's thread boundary/);
  }, 300_000);
});

/**
 * Reliability proof (issue #9): every attack that once stalled or killed the Node server is replayed against the
 * real server process, on PostgreSQL (pool transport) and on the embedded default (PGlite, no DATABASE_URL):
 * a 30,000-page PDF, a PDF stream that expands to 60 MB, a 400 MB DOCX bomb, a DOCX with 6 M characters of text,
 * the quadratic Markdown title, 250k nested <b>, images whose headers promise 30,000 × 30,000 pixels (PNG, JPEG,
 * TIFF), a 256 M pixel PNG bomb, a truncated PNG, scans of 10,000 and of 25 image-only pages (MAX_PDF_PAGES,
 * MAX_OCR_PAGES), a sitemap of 200k nested elements, nested args (JSON and
 * multipart), `__proto__` tags and filters, and ten concurrent maximum-size uploads. The server must not die,
 * its event loop must never stall for more than 1 s (its own monitorEventLoopDelay), its peak RSS must stay
 * under 1 GiB, every attack document must end failed with a readable error naming the cap it crossed (or
 * completed within the caps), and a normal document must complete alongside.
 *
 * Then a job whose run kills the process (SIGKILL at extraction): restarted like a supervisor would, the server
 * dies exactly JOB_MAX_ATTEMPTS times, the job ends failed with "the ingestion process stopped while extracting
 * …; attempts exhausted", the other documents complete, and no crash follows the next restart.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/config/env.js";
import { type NeonProxy, startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { nestedSitemap, POISON_MARKER } from "../../helpers/attack-files.js";
import {
  attackDocuments,
  postJson,
  refusedBodies,
  type Status,
  upload,
  waitSettled,
  waitSourceError,
} from "../../helpers/attack-replay.js";
import { createTestDatabase, type TestDatabase, withAdmin } from "../../helpers/database.js";
import { type FakeSite, startFakeSite } from "../../helpers/fake-site.js";
import { freePort, type ServerProcess, startServerProcess } from "../../helpers/server-process.js";

// "Maximum size" is the default MAX_UPLOAD_BYTES (25 MiB): ten of them put 250 MiB through the HTTP side at once,
// more than UPLOAD_BUFFER_BYTES lets one instance hold, so some are shed with 503 + Retry-After before being read.
const MAX_UPLOAD_BYTES = parseConfig({}).MAX_UPLOAD_BYTES;
const LOOP_DELAY_BOUND_MS = 1_000;
const LIMITS = { MAX_EXTRACTED_CHARS: "5000000" };
const RSS_BOUND_MB = 1_024;
// The embedded default runs the same attacks against the same bounds. PGlite runs in a worker thread
// (lib/db/pglite-thread.ts) and takes bytea parameters in binary (lib/db/pglite-open.ts). Stored as one bytea value,
// the maximum upload grew the thread's WebAssembly memory (which never shrinks) from 128 to 221 MiB: peak RSS during
// the attacks 937–968 MB in three runs (2026-12-06). Stored in 1 MiB parts (lib/store/file-content.ts) it stays at
// 128 MiB: 754–890 MB in six runs, against the pool transport's 659–686 MB; the rest of the difference is the
// embedded database itself (its memory, compiled code and thread), the spread the extraction and embedding peaks.

let proxy: NeonProxy;
let site: FakeSite;
let dataRoot: string;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  proxy = await startNeonProxy();
  site = await startFakeSite();
  site.put("/nested-sitemap.xml", { body: nestedSitemap(200_000), type: "application/xml" });
  dataRoot = await mkdtemp(path.join(tmpdir(), "sm-attacks-"));
});

afterAll(async () => {
  await site?.close();
  await proxy?.close();
  for (const db of databases) await db.drop();
  await rm(dataRoot, { recursive: true, force: true });
});

async function poolEnv(prefix: string): Promise<Record<string, string>> {
  const database = await createTestDatabase(prefix);
  databases.push(database);
  return { DATABASE_URL: database.url, DB_TRANSPORT: "pool", NEON_LOCAL_PROXY: proxy.address };
}

async function replayAttacks(server: ServerProcess, label: string): Promise<Map<string, Status>> {
  const { url } = server;
  const attacks = await attackDocuments();
  const bigText = new TextEncoder().encode(
    "Ten concurrent maximum-size uploads of plain text, one line after another.\n".repeat(
      Math.floor((MAX_UPLOAD_BYTES - 4096) / 75),
    ),
  );
  await server.resetProbe();

  // /health is polled throughout: it must keep answering 200 while everything else is under attack.
  let polling = true;
  const healthStatuses: number[] = [];
  const poller = (async () => {
    while (polling) {
      healthStatuses.push(
        await fetch(`${url}/health`).then(
          (r) => r.status,
          () => 0,
        ),
      );
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  for (const a of attacks) {
    const res = await upload(url, a.documentId, a.fileName, a.bytes);
    expect(res.status, `${a.documentId}: ${await res.clone().text()}`).toBe(202);
  }
  for (const [what, send] of refusedBodies(url)) {
    const res = await send();
    expect(res.status, `${what}: ${await res.clone().text()}`).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  }
  const source = await postJson(
    url,
    "/sources",
    JSON.stringify({ url: `${site.url}/nested-sitemap.xml`, kind: "sitemap", index: "sitemaps" }),
  );
  expect(source.status, await source.clone().text()).toBe(201);
  const sourceId = ((await source.json()) as { id: string }).id;

  const big = await Promise.all(
    Array.from({ length: 10 }, (_, i) => upload(url, `max-size-${i}`, `max-${i}.txt`, bigText)),
  );
  // Accepted, or shed with 503 + Retry-After under the overload bound; nothing else.
  const bigIds: string[] = [];
  const shedIds: string[] = [];
  for (const [i, res] of big.entries()) {
    expect([202, 503], await res.clone().text()).toContain(res.status);
    if (res.status === 202) bigIds.push(`max-size-${i}`);
    else {
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      shedIds.push(`max-size-${i}`);
    }
  }
  expect(bigIds.length).toBeGreaterThan(0);

  const ids = [...attacks.map((a) => a.documentId), ...bigIds];
  const settled = await waitSettled(url, ids, 240_000);
  const sourceState = await waitSourceError(url, sourceId);
  polling = false;
  await poller;
  const probe = await server.probe();

  const outcomes = ids.map((id) => {
    const s = settled.get(id);
    return `${id}: ${s ? (s.completed ? "completed" : `failed at ${s.error?.step}: ${s.error?.message}`) : "unsettled"}`;
  });
  console.log(
    `[measured] attacks (${label}): max event-loop delay ${probe.maxLoopDelayMs.toFixed(0)} ms, peak RSS during the attacks ${probe.windowPeakRssMb.toFixed(0)} MB (lifetime, start-up included: ${probe.peakRssMb.toFixed(0)} MB); ` +
      `big uploads (${MAX_UPLOAD_BYTES} bytes) accepted ${bigIds.length}/10; peak array buffers ${probe.windowPeakArrayBuffersMb?.toFixed(0)} MB; health polls ${healthStatuses.length}, not 200: [${healthStatuses.filter((s) => s !== 200).join(", ")}]\n  ` +
      `${outcomes.join("\n  ")}\n  sitemap source: ${sourceState.lastError}`,
  );

  expect(server.child.exitCode).toBeNull();
  expect(server.child.signalCode).toBeNull();
  expect(settled.size, outcomes.join("\n")).toBe(ids.length);
  for (const a of attacks) {
    const s = settled.get(a.documentId)!;
    if (a.expect === "completed") expect(s.completed, `${a.documentId}: ${JSON.stringify(s.error)}`).toBe(true);
    else {
      expect(s.failed, a.documentId).toBe(true);
      expect(s.error?.message, a.documentId).toMatch(a.expect);
    }
  }
  for (const id of bigIds) expect(settled.get(id)!.error?.message ?? "", id).toMatch(/MAX_EXTRACTED_CHARS/);
  // A shed upload stored nothing: no status, no job.
  for (const id of shedIds) expect((await fetch(`${url}/upload-status?documentId=${id}`)).status, id).toBe(404);
  expect(sourceState.lastError).toMatch(/MAX_NESTING_DEPTH/);
  expect(healthStatuses.length).toBeGreaterThan(0);
  expect(healthStatuses.every((s) => s === 200)).toBe(true);
  expect(probe.maxLoopDelayMs).toBeLessThanOrEqual(LOOP_DELAY_BOUND_MS);
  // The kernel's lifetime peak (start-up included) catches a spike between two of the probe's 50 ms samples.
  expect(Math.max(probe.windowPeakRssMb, probe.peakRssMb)).toBeLessThan(RSS_BOUND_MB);
  return settled;
}

/** The Node server on `databaseEnv`, with the same limits and scheduler for both databases, under every attack. */
async function attackServer(label: string, databaseEnv: Record<string, string>): Promise<void> {
  const env = { ...databaseEnv, ...LIMITS, JOBS_INTERVAL_MS: "1000", SOURCE_ALLOW_PRIVATE: "true", LOG_LEVEL: "error" };
  const server = await startServerProcess({ entry: "functions/node.ts", port: await freePort(), env });
  let settled: Map<string, Status>;
  try {
    settled = await replayAttacks(server, label);
  } catch (error) {
    console.log(`server output (tail):\n${server.output().slice(-5000)}`);
    throw error;
  } finally {
    expect(await server.stop()).toBe(0);
  }
  await restartsQuietly(env, settled);
}

/** Restarted on the same database, the scheduler ticks over every settled attack job: nothing dies or changes. */
async function restartsQuietly(env: Record<string, string>, settled: Map<string, Status>): Promise<void> {
  const server = await startServerProcess({ entry: "functions/node.ts", port: await freePort(), env });
  try {
    await new Promise((r) => setTimeout(r, 3_000)); // three scheduler ticks (JOBS_INTERVAL_MS 1000)
    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
    for (const [id, before] of settled) {
      const now = (await (await fetch(`${server.url}/upload-status?documentId=${id}`)).json()) as Status;
      expect({ id, completed: now.completed, failed: now.failed }).toEqual({
        id,
        completed: before.completed,
        failed: before.failed,
      });
    }
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

describe("every attack, replayed against the Node server", () => {
  it("on PostgreSQL (pool transport): nothing dies, stalls the loop past 1 s, or passes 1 GiB", async () => {
    await attackServer("pool", await poolEnv("smattack"));
  }, 400_000);

  it("on the embedded default (PGlite, no DATABASE_URL): the same", async () => {
    await attackServer("embedded", { PGLITE_DIR: path.join(dataRoot, "pglite") });
  }, 400_000);
});

describe("a job whose run kills the process", () => {
  it("dies JOB_MAX_ATTEMPTS times, then fails with a readable error; others complete; no crash after restart", async () => {
    const MAX_ATTEMPTS = 2;
    const env = {
      ...(await poolEnv("smpoison")),
      JOB_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      JOB_LEASE_SECONDS: "1",
      JOB_RETRY_BASE_SECONDS: "0",
      JOBS_INTERVAL_MS: "300",
      LOG_LEVEL: "error",
    };
    const port = await freePort();
    const start = () => startServerProcess({ entry: "test/helpers/poison-entry.ts", port, env });
    let server = await start();
    const poison = new TextEncoder().encode(`a harmless-looking note ${POISON_MARKER}`);
    const bystander = await upload(server.url, "bystander", "bystander.txt", new TextEncoder().encode("A bystander."));
    expect(bystander.status).toBe(202);
    // The 202 may or may not make it out before the background run kills the process; the upload is durable.
    await upload(server.url, "poison", "poison.txt", poison).catch(() => undefined);

    let crashes = 0;
    let status: Status = {};
    for (let round = 0; round < MAX_ATTEMPTS + 3; round++) {
      const outcome = await Promise.race([
        server.exited.then((e) => ({ died: e })),
        waitSettled(server.url, ["poison"], 60_000).then((s) => ({ settled: s.get("poison") })),
      ]);
      if ("died" in outcome) {
        expect(outcome.died.signal).toBe("SIGKILL");
        crashes++;
        server = await start();
        continue;
      }
      status = outcome.settled ?? {};
      break;
    }
    try {
      expect(crashes).toBe(MAX_ATTEMPTS);
      expect(status.failed).toBe(true);
      expect(status.error?.step).toBe("extract");
      expect(status.error?.message).toMatch(
        /^the ingestion process stopped while extracting poison\.txt in each of its 2 attempts; attempts exhausted$/,
      );
      const job = await withAdmin(
        (c) => c.query("select state, attempts from memory_jobs where document_id = 'poison'"),
        databases.at(-1)!.name,
      );
      expect(job.rows).toEqual([{ state: "failed", attempts: MAX_ATTEMPTS }]);

      const after = await upload(server.url, "after", "after.txt", new TextEncoder().encode("Uploaded after."));
      expect(after.status).toBe(202);
      const others = await waitSettled(server.url, ["bystander", "after"], 60_000);
      expect(others.get("bystander")?.completed).toBe(true);
      expect(others.get("after")?.completed).toBe(true);

      // A restart after the failure: the scheduler ticks, and nothing dies any more.
      expect(await server.stop()).toBe(0);
      server = await start();
      await new Promise((r) => setTimeout(r, 3_000));
      expect(server.child.exitCode).toBeNull();
      expect(server.child.signalCode).toBeNull();
      console.log(`[measured] poison job: ${crashes} crashes, then failed: ${status.error?.message}`);
    } finally {
      await server.stop();
    }
  }, 600_000);
});

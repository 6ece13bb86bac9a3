/**
 * Load proof: 5,000 requests at 300 concurrency, mixed over search, ask,
 * upload-status, indexes and a few uploads, against the real Node server whose
 * database role may open at most 20 connections. The service must stay within
 * its pool (DB_POOL_MAX = 10 backends, sampled every ~10 ms), hold one database
 * handle, and answer as intended: every kind at least MIN_OK of its requests,
 * the rest only a 503 ProblemDetails with Retry-After. MAX_IN_FLIGHT is set to
 * the concurrency, so every request is admitted and queued for the pool, none
 * shed; shedding is proven on its own below (docs/adr/0005-overload.md).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleBackends, urlFor } from "../../helpers/database.js";
import {
  checkProblem,
  corpusText,
  createServiceRole,
  type Stack,
  type SuiteServer,
  startStack,
  tally,
} from "../../helpers/suite-stack.js";

const ROLE = "sm_suite_load";
const ROLE_LIMIT = 20;
const POOL_MAX = 10;
const REQUESTS = 5_000;
const CONCURRENCY = 300;
const CORPUS_DOCS = 12;
const INDEX = "load";
/**
 * Per kind, the share that must get its intended status. Measured on two shared, busy cores (21 req/s): 92–98% per
 * kind, the rest 503s of pool waits past DB_RETRY_BUDGET_MS (worst: upload-status 5.3%, uploads 4 of 50); 80% keeps
 * a 2× margin over the worst failure rate.
 */
const MIN_OK = 0.8;
// Every request is served, none shed, so the run lasts as long as the pool needs for all 5,000: a deadline for a
// stuck run, not a bound on its speed (two shared cores took over 180 s).
const RUN_TIMEOUT_MS = 600_000;

let stack: Stack;
let server: SuiteServer;
let admin: pg.Client;

beforeAll(async () => {
  stack = await startStack("smsload");
  const roleUrl = await createServiceRole(stack.database.name, ROLE, ROLE_LIMIT);
  server = await stack.serve({
    DATABASE_URL: roleUrl,
    DB_POOL_MAX: String(POOL_MAX),
    DB_RETRY_BUDGET_MS: "3000",
    MAX_IN_FLIGHT: String(CONCURRENCY),
    LOG_LEVEL: "error",
  });
  admin = new pg.Client({ connectionString: urlFor("postgres"), application_name: "sm-test-admin" });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await stack?.close();
});

type Kind = "search" | "ask" | "status" | "indexes" | "upload";

const kindOf = (i: number): Kind => {
  const slot = i % 100;
  if (slot < 40) return "search";
  if (slot < 60) return "ask";
  if (slot < 80) return "status";
  if (slot < 99) return "indexes";
  return "upload";
};

function send(kind: Kind, i: number): Promise<Response> {
  const doc = `doc-${i % CORPUS_DOCS}`;
  const signal = AbortSignal.timeout(60_000);
  switch (kind) {
    case "search":
      return server.postJson(
        "/search",
        { index: INDEX, query: `report about tides ${i % 17}`, filters: [{}], limit: 5 },
        { signal },
      );
    case "ask":
      return server.postJson("/ask", { index: INDEX, question: `What about the weather ${i % 13}?` }, { signal });
    case "status":
      return server.call(`/upload-status?index=${INDEX}&documentId=${doc}`, { signal });
    case "indexes":
      return server.call("/indexes", { signal });
    case "upload":
      return server.postJson(
        "/upload",
        { index: INDEX, documentId: `load-up-${i}`, text: corpusText(i, 1), tags: { kind: ["load"] } },
        { signal },
      );
  }
}

const EXPECTED: Record<Kind, number> = { search: 200, ask: 200, status: 200, indexes: 200, upload: 202 };

async function waitCompleted(documentIds: string[]): Promise<void> {
  for (let round = 0; round < 300; round++) {
    const rows = await stack.query<{ n: number }>(
      `select count(*)::int as n from memory_documents
        where index_name = $1 and document_id = any($2) and remaining_steps = '{}' and not failed`,
      [INDEX, documentIds],
    );
    if (rows[0]!.n === documentIds.length) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`uploads not completed within 30 s: ${documentIds.length} expected`);
}

async function health(): Promise<{ db: { handles: number; transport: string; pool: { max: number; total: number } } }> {
  return (await (await server.call("/health")).json()) as never;
}

describe("load: 5,000 mixed requests at 300 concurrency on a 20-connection role", () => {
  it(
    "stays within DB_POOL_MAX backends and one handle, with no failure but 503 + Retry-After",
    async () => {
      const corpusIds = Array.from({ length: CORPUS_DOCS }, (_, i) => `doc-${i}`);
      for (const id of corpusIds) {
        const res = await server.postJson("/upload", {
          index: INDEX,
          documentId: id,
          text: corpusText(Number(id.slice(4))),
          tags: { kind: ["corpus"] },
        });
        expect(res.status, await res.text()).toBe(202);
      }
      await waitCompleted(corpusIds);
      expect((await health()).db.handles).toBe(1);

      const sampler = sampleBackends(admin, server.appName, 10);
      const statuses = tally();
      const perKind = new Map<Kind, ReturnType<typeof tally>>();
      const unexpected: string[] = [];
      const accepted: string[] = [];
      const healthHandles: number[] = [];
      let unavailable = 0;
      let next = 0;
      const started = Date.now();
      const worker = async () => {
        while (next < REQUESTS) {
          const i = next++;
          const kind = kindOf(i);
          let res: Response;
          try {
            res = await send(kind, i);
          } catch (err) {
            unexpected.push(`${kind} #${i}: ${(err as Error).message}`);
            continue;
          }
          statuses.add(res.status);
          if (!perKind.has(kind)) perKind.set(kind, tally());
          perKind.get(kind)!.add(res.status);
          if (res.status === EXPECTED[kind]) {
            if (kind === "upload") accepted.push(`load-up-${i}`);
            await res.body?.cancel();
          } else if (res.status === 503) {
            unavailable++;
            const retryAfter = Number(res.headers.get("retry-after"));
            const problem = await checkProblem(res);
            if (!problem.ok || !(retryAfter >= 1)) {
              unexpected.push(`${kind} #${i}: 503 retry-after=${retryAfter} ${problem.ok ? "" : problem.reason}`);
            }
          } else {
            unexpected.push(`${kind} #${i}: ${res.status} ${(await res.text()).slice(0, 200)}`);
          }
          if (i % 500 === 0) healthHandles.push((await health()).db.handles);
        }
      };
      let elapsedMs = 0;
      let sampled: { peak: number; pids: number[] };
      try {
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        elapsedMs = Date.now() - started;
        await waitCompleted(accepted);
      } finally {
        sampled = await sampler.stop();
      }
      const { peak, pids } = sampled;

      const after = await health();
      const roleBackends = await admin.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where usename = $1",
        [ROLE],
      );
      console.log(
        `[measured] load: ${REQUESTS} requests at ${CONCURRENCY} concurrency in ${elapsedMs} ms ` +
          `(${Math.round((REQUESTS * 1000) / elapsedMs)} req/s); statuses ${statuses}; ` +
          `${[...perKind].map(([k, t]) => `${k} ${t}`).join(", ")}; peak backends ${peak}/${POOL_MAX} ` +
          `(role limit ${ROLE_LIMIT}), distinct backend pids ${pids.length}; uploads accepted ${accepted.length}; ` +
          `503s ${unavailable}; pool after ${JSON.stringify(after.db.pool)}; handles ${after.db.handles}`,
      );

      expect(unexpected).toEqual([]);
      expect([...statuses.counts.keys()].every((s) => s < 500 || s === 503)).toBe(true);
      // Every kind was sent, and each got its intended answer for at least MIN_OK of its requests.
      expect([...perKind.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
      const okRates = Object.fromEntries(
        [...perKind].map(([kind, t]) => {
          const sent = [...t.counts.values()].reduce((a, b) => a + b, 0);
          return [kind, t.get(EXPECTED[kind]) / sent];
        }),
      );
      for (const [kind, rate] of Object.entries(okRates))
        expect(rate, `${kind}: ${perKind.get(kind as Kind)}`).toBeGreaterThanOrEqual(MIN_OK);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(POOL_MAX);
      expect(roleBackends.rows[0]!.n).toBeLessThanOrEqual(POOL_MAX);
      expect(after.db.transport).toBe("pool");
      expect(after.db.pool.max).toBe(POOL_MAX);
      expect(after.db.pool.total).toBeLessThanOrEqual(POOL_MAX);
      expect(after.db.handles).toBe(1);
      expect(healthHandles.every((h) => h === 1)).toBe(true);
      expect(accepted.length).toBeGreaterThan(0);

      // Every accepted upload landed exactly once.
      const chunks = await stack.query<{ document_id: string; n: number; distinct_parts: number }>(
        `select document_id, count(*)::int as n, count(distinct partition_number)::int as distinct_parts
         from memory_chunks where index_name = $1 and document_id = any($2) group by document_id`,
        [INDEX, accepted],
      );
      expect(chunks).toHaveLength(accepted.length);
      for (const c of chunks) expect(c.n).toBe(c.distinct_parts);
    },
    RUN_TIMEOUT_MS,
  );
});

describe("overload: a burst far above MAX_IN_FLIGHT", () => {
  it("sheds the excess at once with 503 + Retry-After, serves at least MAX_IN_FLIGHT, keeps /health up", async () => {
    const MAX = 8;
    const BURST = 200;
    const small = await stack.serve({ DB_POOL_MAX: "4", MAX_IN_FLIGHT: String(MAX), LOG_LEVEL: "error" });
    try {
      const bad: string[] = [];
      const statuses = tally();
      const burst = Promise.all(
        Array.from({ length: BURST }, async (_, i) => {
          const res = await small.postJson("/search", { index: INDEX, query: `tides ${i % 9}`, limit: 3 });
          statuses.add(res.status);
          if (res.status === 503) {
            const problem = await checkProblem(res);
            if (!problem.ok || !(Number(res.headers.get("retry-after")) >= 1)) bad.push(`#${i}: ${problem.body}`);
          } else if (res.status !== 200) bad.push(`#${i}: ${res.status} ${(await res.text()).slice(0, 200)}`);
          else await res.body?.cancel();
        }),
      );
      const probe = await small.call("/health");
      await burst;
      console.log(`[measured] shed: ${BURST} concurrent searches at MAX_IN_FLIGHT ${MAX}: ${statuses}`);
      expect(bad).toEqual([]);
      expect(probe.status).toBe(200);
      expect(statuses.get(200) + statuses.get(503)).toBe(BURST);
      expect(statuses.get(200)).toBeGreaterThanOrEqual(MAX);
      expect(statuses.get(503)).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  }, 120_000);
});

/**
 * The `hyperdrive` transport inside workerd, through the API Worker's own
 * entrypoint: every request opens its own pg socket over cloudflare:sockets
 * (to a PgBouncer in transaction mode standing in for Hyperdrive's pool) and
 * closes it after its response. 300 concurrent searches must all answer, the
 * Postgres backends stay within the pool, no socket stays open afterwards,
 * and the instance keeps one database handle (the binding-derived config).
 */
import { env } from "cloudflare:test";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runDueJobs } from "../../../lib/jobs/runner.js";
import { memoryContextOf, servicesFor } from "../../../lib/runtime/services.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { BOUNCER_POOL_SIZE } from "../global-setup.js";
import { BASE, postJson, worker } from "../worker-api.js";

const INDEX = "hyperdrive-docs";
const SAMPLER = "sm-sampler";
const bindings = env as unknown as Record<string, unknown>;

/** Backends on the test database other than the sampler's own (it reads over the http transport). */
function backendSampler() {
  const db = servicesFor({ ...bindings, DB_TRANSPORT: "http", DB_APPLICATION_NAME: SAMPLER }).db;
  let peak = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const [row] = await db.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend'
            and coalesce(application_name, '') <> $1`,
        [SAMPLER],
      );
      peak = Math.max(peak, row?.n ?? 0);
      samples++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { peak, samples };
    },
  };
}

/** PgBouncer's own count of client connections to the test database (its admin console). */
async function openClientSockets(): Promise<number> {
  const admin = new pg.Client({
    host: "127.0.0.1",
    port: inject("bouncerPort"),
    user: "postgres",
    database: "pgbouncer",
  });
  admin.on("error", () => {}); // its socket closing after end() must not become an unhandled error
  await admin.connect();
  try {
    const { rows } = await admin.query("SHOW POOLS");
    const pool = rows.find((r) => r.database === inject("databaseName"));
    return pool ? Number(pool.cl_active) + Number(pool.cl_waiting) : 0;
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  // The sampler's handle (http) is created now, so the load below may not add any handle.
  await servicesFor({ ...bindings, DB_TRANSPORT: "http", DB_APPLICATION_NAME: SAMPLER }).db.query("select 1");
  const services = servicesFor(bindings);
  expect(services.db.transport).toBe("hyperdrive");
  await services.ready();
  const topics = ["tides and harbour weather", "glaciers and ice cores", "orchards and frost"];
  for (const [i, topic] of topics.entries()) {
    await enqueueFile(
      services.db,
      { index: INDEX, documentId: `hd-${i}` },
      { name: `doc${i}.txt`, contentType: "text/plain", body: `A report on ${topic}. `.repeat(40) },
    );
  }
  const report = await runDueJobs(memoryContextOf(services, (p) => void p.catch(() => {})));
  expect(report.completed).toBe(topics.length);
});

afterAll(async () => {
  await servicesFor({ ...bindings, DB_TRANSPORT: "http", DB_APPLICATION_NAME: SAMPLER }).db.close();
});

describe("workerd: hyperdrive transport, a socket per request", () => {
  it("answers 300 concurrent searches with backends bounded by the pool and no cross-request I/O error", async () => {
    const before = await (await worker().fetch(`${BASE}/health?check=db`)).json<{
      db: { transport: string; handles: number };
    }>();
    expect(before.db.transport).toBe("hyperdrive");

    const sampler = backendSampler();
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        postJson("/search", { index: INDEX, query: ["tides", "glaciers", "frost"][i % 3], limit: 3 }).then(
          async (res) => ({ status: res.status, body: await res.text() }),
        ),
      ),
    );
    const { peak, samples } = await sampler.stop();

    const failures = responses.filter((r) => r.status !== 200);
    expect(failures.map((f) => f.body.slice(0, 200))).toEqual([]);
    for (const r of responses) {
      const body = JSON.parse(r.body) as { noResult: boolean; results: unknown[] };
      expect(body.noResult).toBe(false);
      expect(body.results.length).toBeGreaterThan(0);
    }
    expect(responses.some((r) => r.body.includes("different request"))).toBe(false);
    console.log(`[measured] hyperdrive: 300 concurrent searches, peak ${peak} backends over ${samples} samples`);
    expect(samples).toBeGreaterThan(0);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(BOUNCER_POOL_SIZE);

    // The handle is the binding-derived config, created once; the sockets were the requests' own.
    const after = await (await worker().fetch(`${BASE}/health?check=db`)).json<{ db: { handles: number } }>();
    expect(after.db.handles).toBe(before.db.handles);
  });

  it("closes every request's socket once the request is done", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () => postJson("/search", { index: INDEX, query: "orchards", limit: 1 })),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    let open = -1;
    for (let i = 0; i < 100 && open !== 0; i++) {
      open = await openClientSockets();
      if (open !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(open).toBe(0);
  });

  it("serves 100 sequential requests, each on a socket of its own", async () => {
    for (let i = 0; i < 100; i++) {
      const res = await worker().fetch(`${BASE}/health?check=db`);
      expect(res.status).toBe(200);
      expect((await res.json<{ db: { pingMs?: number } }>()).db.pingMs).toBeTypeOf("number");
    }
  });
});

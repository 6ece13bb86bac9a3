/**
 * @module
 * What the Hyperdrive suites observe from inside workerd: Postgres backends
 * (sampled over the `http` transport, whose own backends are excluded), open
 * client sockets (PgBouncer's admin console), and a seeded index to search.
 */
import { env } from "cloudflare:test";
import pg from "pg";
import { expect, inject } from "vitest";
import { runUploadedJob } from "../../../lib/ingest/runner.js";
import { ingestContextOf, servicesFor } from "../../../lib/runtime/services.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { workerdRuntime } from "../runtime.js";

export const SAMPLER = "sm-sampler";
const bindings = env as unknown as Record<string, unknown>;

/** The sampler's handle, over `http` (created on first use; later handles counts include it). */
export const samplerDb = () =>
  servicesFor({ ...bindings, DB_TRANSPORT: "http", DB_APPLICATION_NAME: SAMPLER }, workerdRuntime).db;

/** Backends on the test database other than the sampler's own (it reads over the http transport). */
export function backendSampler() {
  const db = samplerDb();
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
export async function openClientSockets(): Promise<number> {
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

/** Documents about `topics` in `index`, ingested by the test itself (the API Worker carries no ingestion). */
export async function seedIndex(index: string, topics: string[]): Promise<void> {
  const services = servicesFor(bindings, workerdRuntime);
  await services.ready();
  const ctx = ingestContextOf(services, (p) => void p.catch(() => {}));
  for (const [i, topic] of topics.entries()) {
    const { jobId } = await enqueueFile(
      services.db,
      { index, documentId: `${index}-${i}` },
      { name: `doc${i}.txt`, contentType: "text/plain", body: `A report on ${topic}. `.repeat(40) },
    );
    // Only this index's jobs: other suites leave uploads queued in the same database.
    await runUploadedJob(ctx, jobId);
  }
  const jobs = await services.db.query<{ state: string }>("select state from memory_jobs where index_name = $1", [
    index,
  ]);
  expect(jobs.map((j) => j.state)).toEqual(topics.map(() => "done"));
}

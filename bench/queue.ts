/**
 * @module
 * queue: jobs/s through the durable ingestion queue with 1 runner and with 4 overlapping runners (cron ticks that
 * overlap), on one pool per process; every job must be processed exactly once and backends must stay within the pool.
 */
import { createOfflineEmbedder } from "../lib/ai/index.js";
import { useLocalNeonProxy } from "../lib/db/local-proxy.js";
import { createPoolDb } from "../lib/db/pool.js";
import type { Db } from "../lib/db/types.js";
import { type RunReport, runDueJobs } from "../lib/ingest/runner.js";
import { createTestDatabase } from "../test/helpers/database.js";
import { dbConfig } from "../test/helpers/db-handles.js";
import { enqueueFile } from "../test/helpers/enqueue.js";
import { sizeTag } from "./lib/args.js";
import { sampleBackends } from "./lib/backends.js";
import type { Bench } from "./lib/bench-env.js";
import { benchContext, migrated } from "./lib/memory-db.js";
import { ms, num, ratio } from "./lib/stats.js";

const POOL_MAX = 4;

type Row = { runners: number; ms: number; claimed: number; completed: number; duplicates: number; peak: number };

async function drain(
  db: Db,
  appName: string,
  runners: number,
  jobs: number,
  index: string,
  env: Parameters<Bench["run"]>[0],
) {
  for (let i = 0; i < jobs; i++) {
    const body = `Queue benchmark document ${i}. ${"Ingestion jobs are claimed with a lease. ".repeat(20)}`;
    await enqueueFile(db, { index, documentId: `job-${i}` }, { name: "doc.txt", contentType: "text/plain", body });
  }
  const { ctx } = benchContext(db, createOfflineEmbedder());
  const sampler = sampleBackends(env.admin, appName);
  const started = performance.now();
  const reports: RunReport[] = await Promise.all(
    Array.from({ length: runners }, (_, i) => runDueJobs(ctx, { owner: `bench-${runners}-${i}`, budgetMs: 600_000 })),
  );
  const elapsed = performance.now() - started;
  const { peak } = await sampler.stop();
  const [{ extra }] = (await db.query(
    "select coalesce(sum(attempts - 1), 0)::int as extra from memory_jobs where index_name = $1",
    [index],
  )) as [{ extra: number }];
  const claimed = reports.reduce((n, r) => n + r.claimed, 0);
  const completed = reports.reduce((n, r) => n + r.completed, 0);
  return { runners, ms: elapsed, claimed, completed, duplicates: claimed - jobs + extra, peak } satisfies Row;
}

export const queue: Bench = {
  name: "queue",
  summary: "jobs/s through the ingestion queue, 1 runner vs 4 overlapping runners, exactly-once",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: [],
  async run(env) {
    const jobs = env.args.queueJobs;
    const database = await createTestDatabase("smbq");
    useLocalNeonProxy(env.proxy);
    const appName = `smb-queue-${Math.random().toString(36).slice(2, 8)}`;
    const db = createPoolDb(dbConfig(database.url, { poolMax: POOL_MAX, applicationName: appName }));
    try {
      await migrated(db);
      const rows: Row[] = [];
      for (const runners of [1, 4]) {
        env.log(`${runners} runner(s) over ${jobs} jobs`);
        rows.push(await drain(db, appName, runners, jobs, `queue-${runners}`, env));
      }
      const rate = (r: Row) => (r.completed / r.ms) * 1000;
      const [one, four] = rows as [Row, Row];
      const sizes = sizeTag(env.args, ["queueJobs"]);
      return {
        id: sizes ? `queue@${sizes}` : "queue",
        title: `queue — ${num(jobs)} queued ingestion jobs, pool max ${POOL_MAX}`,
        headline: `jobs/s 4 overlapping runners ÷ 1 runner: ${ratio(rate(four) / rate(one))} (${num(rate(four), 1)} vs ${num(rate(one), 1)}); duplicate processing: ${one.duplicates + four.duplicates}; peak backends ≤ ${POOL_MAX}: ${Math.max(one.peak, four.peak)}`,
        tables: [
          {
            headers: [
              "runners",
              "jobs completed",
              "wall time",
              "jobs/s",
              "duplicate processing",
              "peak backends ÷ pool max",
            ],
            rows: rows.map((r) => [
              String(r.runners),
              `${num(r.completed)}/${num(jobs)}`,
              ms(r.ms),
              num(rate(r), 1),
              String(r.duplicates),
              `${r.peak} ÷ ${POOL_MAX}`,
            ]),
          },
        ],
        notes: [
          "Each job is one small text document taken through extract → partition → gen_embeddings (offline embedder) → save_records; runners share one Neon `Pool` (WebSocket, via the local proxy) as cron ticks on one instance would.",
          "Runners claim one job at a time with `FOR UPDATE SKIP LOCKED` and a lease. Duplicate processing = claims beyond one per job plus retries (`attempts − 1`), summed; it must be 0.",
          "Recovery after a PostgreSQL restart mid-run is asserted in test/node/jobs/restart.test.ts (it prints the measured time to the first completed job after the restart).",
        ],
      };
    } finally {
      await db.close();
      await database.drop();
    }
  },
};

/**
 * @module
 * replica: the same search load on one service process reading from the primary alone, and with
 * `DATABASE_READ_URL` on a hot standby streaming from it (scripts/setup-scale-out.sh) — idle, and while
 * uploads are being ingested. Where each read ran (the service's own counts in /health) and what it cost
 * the primary (its transactions per search).
 */
import type pg from "pg";
import { withAdmin } from "../test/helpers/database.js";
import { requireScaleOutStack, standbyUrl, waitForReplay } from "../test/helpers/scale-out.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries } from "./lib/corpus.js";
import { describeFailures, runLoad } from "./lib/load.js";
import { BENCH_INDEX, corpusDatabase, dropWhenIdle } from "./lib/memory-db.js";
import { admitAll, startService } from "./lib/processes.js";
import { ms, num, summarize } from "./lib/stats.js";

const SEARCHES = 1000;
const CONCURRENCY = 20;
const UPLOADS = 40;

type Reads = { replica: number; primary: number; lagged: number; failedOver: number };

export const replica: Bench = {
  name: "replica",
  summary: "search on the primary alone vs on a hot standby (DATABASE_READ_URL), idle and during ingestion",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/node.ts", "scripts/setup-scale-out.sh"],
  async run(env: BenchEnv) {
    await requireScaleOutStack();
    const database = await corpusDatabase("smbrepl", generateCorpus({ bytes: 400_000, documents: 20 }));
    const queries = generateQueries(64, 13);
    try {
      await waitForReplay();
      const rows: Array<Array<string | number>> = [];
      const counts: Reads[] = [];
      const arms = [
        { name: "primary only", read: false, ingest: false },
        { name: "DATABASE_READ_URL = standby", read: true, ingest: false },
        { name: `standby, ${UPLOADS} uploads ingesting meanwhile`, read: true, ingest: true },
      ];
      for (const [a, arm] of arms.entries()) {
        env.log(arm.name);
        const svc = await startService({
          databaseUrl: database.url,
          proxy: env.proxy,
          poolMax: 5,
          applicationName: `smb-replica-${a}`,
          maxInFlight: admitAll(CONCURRENCY),
          extra: arm.read ? { DATABASE_READ_URL: standbyUrl(database.name) } : {},
        });
        try {
          const xacts = () => primaryXacts(database.name);
          const before = await xacts();
          const total = SEARCHES + (arm.ingest ? UPLOADS : 0);
          const every = Math.floor(total / Math.max(1, UPLOADS));
          const load = await runLoad({
            total,
            concurrency: CONCURRENCY,
            target: (i) =>
              arm.ingest && i % every === 0 && i / every < UPLOADS
                ? {
                    url: `${svc.url}/upload`,
                    body: JSON.stringify({
                      index: "ingest",
                      documentId: `doc-${i}`,
                      text: `Upload ${i}: ${queries[i % queries.length]} `.repeat(30),
                    }),
                  }
                : {
                    url: `${svc.url}/search`,
                    body: JSON.stringify({ index: BENCH_INDEX, query: queries[i % queries.length], limit: 5 }),
                  },
          });
          const health = (await (await fetch(`${svc.url}/health`)).json()) as { db: { reads?: Reads } };
          const reads = health.db.reads;
          // Backends flush their statistics when they exit: stop the instance before reading them.
          await svc.stop();
          const primaryPerSearch = ((await xacts()) - before) / SEARCHES;
          if (reads) counts.push(reads);
          const s = summarize(load.okLatencies);
          rows.push([
            arm.name,
            `${load.ok}/${total}`,
            describeFailures(load.failures),
            ms(s.p50),
            ms(s.p99),
            reads ? num(reads.replica) : "—",
            reads ? num(reads.primary) : "all",
            reads ? `${num(reads.lagged)} / ${num(reads.failedOver)}` : "—",
            primaryPerSearch.toFixed(2),
          ]);
        } finally {
          await svc.stop();
        }
      }
      const [p, r, w] = rows as [Array<string | number>, Array<string | number>, Array<string | number>];
      const [idle, busy] = counts as [Reads, Reads];
      const share = (c: Reads) => `${num(c.replica)} of ${num(c.replica + c.primary)}`;
      return {
        id: "replica",
        title: `replica — ${num(SEARCHES)} × POST /search at concurrency ${CONCURRENCY}, one process (DB_POOL_MAX 5)`,
        headline: `search p50 primary only ${p[3]}, on the standby ${r[3]} (${w[3]} while ingesting); errors ${p[2]} / ${r[2]} / ${w[2]}; reads served by the standby: ${share(idle)} idle, ${share(busy)} while ingesting (${num(busy.lagged)} lagged)`,
        tables: [
          {
            headers: [
              "reads from",
              "2xx",
              "errors",
              "search p50",
              "search p99",
              "reads on standby",
              "reads on primary",
              "lagged / failed over",
              "primary xacts per search",
            ],
            rows,
          },
        ],
        notes: [
          "Each read takes the primary's WAL position (`select pg_current_wal_lsn()`), waits until the standby has replayed that far (≤ `DB_READ_MAX_WAIT_MS`, 1000 ms by default), then runs on the standby; a standby that lags longer or fails is skipped for that read. So reads never see less than the primary had committed when they began.",
          'Reads counted by the service itself (`/health` → `db.reads`, that probe included); "lagged" = reads the primary answered because the standby had not caught up in time. Primary transactions per search: `pg_stat_database.xact_commit` of the benchmark database on the primary over the run (read after the instance exited, so its backends had flushed their counters), divided by the searches; with the standby they are the fences, plus the uploads and their ingestion in the last row.',
          "The standby is a second local cluster made by `pg_basebackup -R` streaming over loopback (scripts/setup-scale-out.sh); both share this machine's cores, so latency shows the routing's cost, not a second machine's capacity.",
        ],
      };
    } finally {
      await dropWhenIdle(database);
    }
  },
};

async function primaryXacts(database: string): Promise<number> {
  return withAdmin(async (c: pg.Client) => {
    await c.query("select pg_stat_clear_snapshot()");
    await new Promise((r) => setTimeout(r, 600)); // backends report their counters asynchronously
    const { rows } = await c.query<{ n: string }>(
      "select xact_commit::text as n from pg_stat_database where datname = $1",
      [database],
    );
    return Number(rows[0]?.n ?? 0);
  });
}

/**
 * @module
 * fanout: the defining property under load. The same `POST /search` at the same concurrency against (a) the
 * service with one pool per process (`DB_POOL_MAX`) and (b) the pool-per-request baseline (Kernel Memory's
 * connector behaviour). Backends are counted from `pg_stat_activity` by application_name; new connections from
 * `pg_stat_database.sessions`, which also counts sessions too short for a sampler to see.
 */

import { ensureRole, urlFor, withAdmin } from "../test/helpers/database.js";
import { sizeTag } from "./lib/args.js";
import { sampleBackends, sessionsOf, settle } from "./lib/backends.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries } from "./lib/corpus.js";
import { describeFailures, failureCount, runLoad } from "./lib/load.js";
import { BENCH_INDEX, corpusDatabase, dropWhenIdle } from "./lib/memory-db.js";
import { admitAll, freePort, type Service, spawnTsx, startService, waitForHttp } from "./lib/processes.js";
import { ms, num, ratio, summarize } from "./lib/stats.js";

const BASELINE_ROLE = "sm_bench_baseline";

type Phase = {
  label: string;
  peak: number;
  newSessions: number;
  sampledBackends: number;
  load: Awaited<ReturnType<typeof runLoad>>;
};

/** Sessions Postgres accepted plus connection attempts it refused (53300 never becomes a session). */
const attempts = (p: Phase) =>
  p.newSessions + [...p.load.failures].filter(([key]) => key.includes("53300")).reduce((n, [, v]) => n + v, 0);
const perThousand = (p: Phase, requests: number) => (attempts(p) / requests) * 1000;

export const fanout: Bench = {
  name: "fanout",
  summary: "one pool per process vs a pool per request, same /search load",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/node.ts", "bench/baseline/serve.ts"],
  async run(env: BenchEnv) {
    const { args } = env;
    const database = await corpusDatabase("smbfan", generateCorpus({ bytes: 200_000, documents: 10 }));
    const queries = generateQueries(64);
    const body = (i: number) => JSON.stringify({ index: BENCH_INDEX, query: queries[i % queries.length], limit: 5 });
    const warm = Math.max(100, Math.round(args.requests / 10));
    const tag = Math.random().toString(36).slice(2, 7);
    const phases: Phase[] = [];
    try {
      // (a) the service: one Neon Pool per process, max = poolMax.
      const ourApp = `smb-ours-${tag}`;
      const ours = await startService({
        databaseUrl: database.url,
        proxy: env.proxy,
        poolMax: args.poolMax,
        applicationName: ourApp,
        // The pool is what is measured, not the shed: every request admitted (docs/adr/0005-overload.md).
        maxInFlight: admitAll(args.concurrency),
      });
      try {
        phases.push(await measure(env, database.name, ours.url, ourApp, warm, body, "ours: one pool per process"));
      } finally {
        await ours.stop();
      }

      // (b) the baseline: a pool per request, under a role capped at `baselineRoleLimit` connections.
      await ensureRole(BASELINE_ROLE, args.baselineRoleLimit);
      await withAdmin(
        (c) =>
          c.query(
            `grant connect on database "${database.name}" to ${BASELINE_ROLE};
             grant usage on schema public to ${BASELINE_ROLE};
             grant select on all tables in schema public to ${BASELINE_ROLE};`,
          ),
        database.name,
      );
      const baseApp = `smb-base-${tag}`;
      const port = await freePort();
      const baseline = spawnTsx("bench/baseline/serve.ts", {
        PORT: String(port),
        DATABASE_URL: urlFor(database.name, BASELINE_ROLE),
        DB_APPLICATION_NAME: baseApp,
        NEON_LOCAL_PROXY: env.proxy,
        LOG_LEVEL: "error",
      });
      const service = { ...baseline, port, url: `http://127.0.0.1:${port}` } satisfies Service;
      try {
        await waitForHttp(baseline, `${service.url}/health`);
        phases.push(await measure(env, database.name, service.url, baseApp, warm, body, "baseline: pool per request"));
      } finally {
        await baseline.stop();
      }
    } finally {
      await dropWhenIdle(database);
    }

    const [a, b] = phases as [Phase, Phase];
    const row = (p: Phase) => {
      const s = summarize(p.load.latencies);
      return [
        p.label,
        `${p.peak} ÷ ${args.poolMax} = ${ratio(p.peak / args.poolMax)}`,
        `${num(perThousand(p, args.requests), 1)} (${num(p.newSessions)} accepted)`,
        num(p.sampledBackends),
        `${p.load.ok}/${args.requests}`,
        describeFailures(p.load.failures),
        ms(s.p50),
        ms(s.p99),
        num((p.load.ok / p.load.durationMs) * 1000, 0),
      ];
    };
    const sizes = sizeTag(args, ["requests", "concurrency", "poolMax", "baselineRoleLimit"]);
    return {
      id: sizes ? `fanout@${sizes}` : "fanout",
      title: `fanout — ${num(args.requests)} × POST /search at concurrency ${args.concurrency}${sizes ? " (non-default size)" : ""}`,
      headline:
        `peak backends ÷ pool max: ours ${ratio(a.peak / args.poolMax)}, pool-per-request ${ratio(b.peak / args.poolMax)}; ` +
        `new connections per 1000 warm requests: ours ${num(perThousand(a, args.requests), 1)}, ` +
        `pool-per-request ${num(perThousand(b, args.requests), 0)}; errors: ours ${failureCount(a.load.failures)}, ` +
        `pool-per-request ${failureCount(b.load.failures)}; p50 (failed responses included): ours ${ms(summarize(a.load.latencies).p50)}, ` +
        `pool-per-request ${ms(summarize(b.load.latencies).p50)}`,
      tables: [
        {
          headers: [
            "server",
            "peak backends ÷ pool max",
            "new connections / 1000 warm req",
            "backends seen by sampler",
            "2xx",
            "errors (status SQLSTATE)",
            "p50",
            "p99",
            "2xx/s",
          ],
          rows: [row(a), row(b)],
        },
      ],
      notes: [
        `Both servers run as child processes (\`node --import tsx …\`), reach PostgreSQL through the local Neon proxy (one process) with the Neon \`Pool\` over WebSocket, and serve the same \`POST /search\` (hybrid, limit 5) on a 200 kB corpus (10 documents). The load generator (bench/lib/load.ts, keep-alive sockets) runs in the bench process on the same 2 cores.`,
        `ours: \`functions/node.ts\` with \`DB_POOL_MAX=${args.poolMax}\` and \`MAX_IN_FLIGHT=${admitAll(args.concurrency)}\` (≥ the concurrency: nothing is shed, so every 503 here is the database's; docs/adr/0005-overload.md). baseline: bench/baseline/pool-per-request.ts builds \`createPoolDb()\` per request and ends it afterwards, with no retries (like Npgsql).`,
        `The baseline connects as role \`${BASELINE_ROLE}\` with \`CONNECTION LIMIT ${args.baselineRoleLimit}\` so it cannot starve the shared server (max_connections 100); its peak is capped by that limit and the excess is refused with 53300 (too many connections for role). Without the cap it would run into max_connections instead.`,
        `Warm-up: ${warm} requests before measuring. "new connections" = growth of \`pg_stat_database.sessions\` during the ${num(args.requests)} measured requests (exact, includes sub-millisecond sessions) plus the attempts refused with 53300, which never become sessions; "backends seen" = distinct pid@backend_start from a 10 ms \`pg_stat_activity\` sampler (a lower bound for short-lived ones). p50/p99 cover every completed response, failed ones included.`,
      ],
    };
  },
};

async function measure(
  env: BenchEnv,
  database: string,
  url: string,
  app: string,
  warm: number,
  body: (i: number) => string,
  label: string,
): Promise<Phase> {
  const { args } = env;
  env.log(`${label}: warm-up ${warm}`);
  await runLoad({
    total: warm,
    concurrency: args.concurrency,
    target: (i) => ({ url: `${url}/search`, body: body(i) }),
  });
  await settle();
  const before = await sessionsOf(env.admin, database);
  const sampler = sampleBackends(env.admin, app);
  env.log(`${label}: ${args.requests} requests at ${args.concurrency}`);
  const load = await runLoad({
    total: args.requests,
    concurrency: args.concurrency,
    target: (i) => ({ url: `${url}/search`, body: body(i + warm) }),
  });
  const sample = await sampler.stop();
  await settle();
  const after = await sessionsOf(env.admin, database);
  return { label, peak: sample.peak, newSessions: after - before, sampledBackends: sample.seen.size, load };
}

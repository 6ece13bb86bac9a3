/**
 * @module
 * pooler: 20 service processes × DB_POOL_MAX 5 = 100 client connections for a role capped at 15, the same
 * load (uploads and searches from every instance at once) straight to PostgreSQL and through PgBouncer in
 * transaction mode (`default_pool_size` 10, as Neon's `-pooler` endpoint), side by side in one run.
 */
import { readFile } from "node:fs/promises";
import { withAdmin } from "../test/helpers/database.js";
import { pooledUrl, requireScaleOutStack, showPools } from "../test/helpers/scale-out.js";
import { createServiceRole } from "../test/helpers/suite-stack.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries } from "./lib/corpus.js";
import { describeFailures, failureCount, runLoad } from "./lib/load.js";
import { BENCH_INDEX, corpusDatabase, dropWhenIdle } from "./lib/memory-db.js";
import { admitAll, type Service, startService } from "./lib/processes.js";
import { ms, num, summarize } from "./lib/stats.js";

const INSTANCES = 20;
const POOL_MAX = 5;
const ROLE_LIMIT = 15;
const BOUNCER_POOL = 10;
// Sized for 2 shared cores: enough to hold every pool at its max, little enough to keep 20 processes responsive.
const UPLOADS = 40;
const SEARCHES = 600;
const CONCURRENCY = INSTANCES * 4;

type Arm = {
  name: string;
  ok: number;
  failures: Map<string, number>;
  refusals: number;
  peakClients: number;
  peakBackends: number;
  ingestedOnce: string;
  p50: number;
  p99: number;
  rssMb: number;
};

export const pooler: Bench = {
  name: "pooler",
  summary: `${INSTANCES} processes × DB_POOL_MAX ${POOL_MAX} vs a role capped at ${ROLE_LIMIT}: straight to Postgres vs through PgBouncer`,
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/node.ts", "scripts/setup-scale-out.sh"],
  async run(env: BenchEnv) {
    await requireScaleOutStack();
    const database = await corpusDatabase("smbpool", generateCorpus({ bytes: 200_000, documents: 10 }));
    const role = `sm_bench_pooler_${Math.random().toString(36).slice(2, 7)}`;
    try {
      await createServiceRole(database.name, role, ROLE_LIMIT);
      const arms: Arm[] = [];
      const direct = database.url.replace("postgres@", `${role}@`);
      // Straight to Postgres first: PgBouncer keeps its idle server connections, which would count against the cap.
      for (const [name, url] of [
        ["straight to PostgreSQL", direct],
        ["through PgBouncer (transaction mode)", pooledUrl(database.name, role)],
      ] as const) {
        env.log(`${name}: starting ${INSTANCES} instances`);
        arms.push(await runArm(env, { name, url, role, database: database.name, index: `up${arms.length}` }));
      }
      const [d, p] = arms as [Arm, Arm];
      return {
        id: "pooler",
        title: `pooler — ${INSTANCES} processes × DB_POOL_MAX ${POOL_MAX} = ${INSTANCES * POOL_MAX} client connections, role capped at ${ROLE_LIMIT}, ${UPLOADS} uploads + ${num(SEARCHES)} searches at concurrency ${CONCURRENCY}`,
        headline:
          `straight to Postgres: ${failureCount(d.failures)} errors (${d.refusals} refused with 53300), search p50 ${ms(d.p50)} / p99 ${ms(d.p99)}; ` +
          `through PgBouncer: ${failureCount(p.failures)} errors on ${p.peakBackends} server backends for ${p.peakClients} client connections, search p50 ${ms(p.p50)} / p99 ${ms(p.p99)}`,
        tables: [
          {
            headers: [
              "path",
              "client conns (peak)",
              "server backends (peak)",
              "2xx",
              "errors",
              "53300 refusals",
              "uploads ingested once",
              "search p50",
              "search p99",
              "instances' RSS",
            ],
            rows: arms.map((a) => [
              a.name,
              a.peakClients || "—",
              a.peakBackends,
              `${a.ok}/${UPLOADS + SEARCHES}`,
              describeFailures(a.failures),
              a.refusals,
              a.ingestedOnce,
              ms(a.p50),
              ms(a.p99),
              `${num(a.rssMb)} MB`,
            ]),
          },
        ],
        notes: [
          `Each instance is \`node --import tsx functions/node.ts\` (DB_POOL_MAX ${POOL_MAX}) through the local Neon proxy; PgBouncer 1.18 (Debian's) with \`pool_mode = transaction\`, \`default_pool_size = ${BOUNCER_POOL}\`, started by scripts/setup-scale-out.sh.`,
          `Server backends: \`pg_stat_activity\` rows of the capped role in the benchmark database, sampled every 20 ms; client connections: PgBouncer's \`SHOW POOLS\` (cl_active + cl_waiting). "53300 refusals" counts the 503 answers whose request log names SQLSTATE 53300 (\`too many connections for role\`).`,
          `"Uploads ingested once": every upload's job finished in one attempt and its document holds exactly one copy of each chunk (straight to Postgres, refused connections also fail jobs, which retry later).`,
          "When to use which: docs/adr/0003-scale-out.md.",
        ],
      };
    } finally {
      await dropWhenIdle(database);
      await withAdmin((c) => c.query(`drop role if exists "${role}"`)).catch(() => {});
    }
  },
};

async function runArm(
  env: BenchEnv,
  arm: { name: string; url: string; role: string; database: string; index: string },
): Promise<Arm> {
  const services: Service[] = [];
  let refusals = 0;
  try {
    // One at a time: twenty processes compiling at once on two shared cores miss their start-up deadline.
    for (let i = 0; i < INSTANCES; i++) {
      const svc = await startService({
        databaseUrl: arm.url,
        proxy: env.proxy,
        poolMax: POOL_MAX,
        applicationName: `smb-pooler-${i}`,
        maxInFlight: admitAll(CONCURRENCY),
      });
      svc.proc.stderr?.on("data", (chunk: Buffer) => {
        refusals += chunk.toString("utf8").split('"dbUnavailable":"53300"').length - 1;
      });
      services.push(svc);
    }
    const rssMb = (await Promise.all(services.map((s) => rssOf(s.proc.pid)))).reduce((a, b) => a + b, 0);
    const queries = generateQueries(64, 5);
    let running = true;
    let peakClients = 0;
    let peakBackends = 0;
    const sampler = (async () => {
      while (running) {
        const { rows } = await env.admin.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where usename = $1 and datname = $2",
          [arm.role, arm.database],
        );
        peakBackends = Math.max(peakBackends, rows[0]!.n);
        const pool = (await showPools()).find((p) => p.user === arm.role && p.database === arm.database);
        peakClients = Math.max(peakClients, pool?.clients ?? 0);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const load = await runLoad({
      total: UPLOADS + SEARCHES,
      concurrency: CONCURRENCY,
      timeoutMs: 60_000,
      target: (i) => {
        const url = services[i % INSTANCES]!.url;
        // Uploads spread over the run, so ingestion overlaps the searches.
        return i % 15 === 0 && i / 15 < UPLOADS
          ? {
              url: `${url}/upload`,
              body: JSON.stringify({
                index: arm.index,
                documentId: `doc-${i / 15}`,
                text: `Report ${i} on harbour lanterns and copper tides. `.repeat(40),
              }),
            }
          : {
              url: `${url}/search`,
              body: JSON.stringify({ index: BENCH_INDEX, query: queries[i % queries.length], limit: 5 }),
            };
      },
    });
    const ingestedOnce = await waitIngested(arm.database, arm.index);
    running = false;
    await sampler;
    const searchLatencies = summarize(load.okLatencies);
    return {
      name: arm.name,
      ok: load.ok,
      failures: load.failures,
      refusals,
      peakClients,
      peakBackends,
      ingestedOnce,
      p50: searchLatencies.p50,
      p99: searchLatencies.p99,
      rssMb,
    };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
  }
}

/** "accepted/ingested once", after waiting (≤ 20 s) for the accepted uploads' jobs to settle. */
async function waitIngested(database: string, index: string): Promise<string> {
  const count = async () =>
    withAdmin(async (c) => {
      const { rows } = await c.query<{ accepted: number; once: number; copies: number }>(
        `select count(*)::int as accepted,
                count(*) filter (where state = 'done' and attempts = 1)::int as once,
                (select count(*)::int from (select 1 from memory_chunks where index_name = $1
                   group by document_id, partition_number having count(*) > 1) d) as copies
           from memory_jobs where index_name = $1`,
        [index],
      );
      return rows[0]!;
    }, database);
  let row = await count();
  for (let i = 0; i < 200 && row.once < row.accepted; i++) {
    await new Promise((r) => setTimeout(r, 100));
    row = await count();
  }
  return `${row.once}/${row.accepted}${row.copies ? ` (${row.copies} duplicated chunks)` : ""}`;
}

async function rssOf(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

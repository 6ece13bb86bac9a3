/**
 * @module
 * instances: W service processes, each with `DB_POOL_MAX = M`, against one database under load. The connection
 * budget of a deployment is W × M, whatever the load: the sampler checks it per instance and in total.
 */
import { sizeTag } from "./lib/args.js";
import { sampleBackends } from "./lib/backends.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries } from "./lib/corpus.js";
import { describeFailures, failureCount, runLoad } from "./lib/load.js";
import { BENCH_INDEX, corpusDatabase, dropWhenIdle } from "./lib/memory-db.js";
import { admitAll, type Service, startService } from "./lib/processes.js";
import { ms, num, ratio, summarize } from "./lib/stats.js";

export const instances: Bench = {
  name: "instances",
  summary: "W processes × pool max M against one database: peak backends ≤ W×M",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/node.ts"],
  async run(env: BenchEnv) {
    const { args } = env;
    const w = args.instances;
    const m = args.instancePoolMax;
    const database = await corpusDatabase("smbinst", generateCorpus({ bytes: 200_000, documents: 10 }));
    const queries = generateQueries(64, 11);
    const prefix = `smb-inst-${Math.random().toString(36).slice(2, 7)}`;
    const services: Service[] = [];
    try {
      for (let i = 0; i < w; i++) {
        services.push(
          await startService({
            databaseUrl: database.url,
            proxy: env.proxy,
            poolMax: m,
            applicationName: `${prefix}-${i}`,
            // Round-robin gives one instance a share of the concurrency; admitting all of it sheds nothing.
            maxInFlight: admitAll(args.instanceConcurrency),
          }),
        );
      }
      const target = (i: number) => ({
        url: `${services[i % w]!.url}/search`,
        body: JSON.stringify({ index: BENCH_INDEX, query: queries[i % queries.length], limit: 5 }),
      });
      await runLoad({ total: w * 20, concurrency: w * 5, target });
      env.log(`${args.instanceRequests} requests at ${args.instanceConcurrency} over ${w} instances`);
      const sampler = sampleBackends(env.admin, prefix);
      const load = await runLoad({ total: args.instanceRequests, concurrency: args.instanceConcurrency, target });
      const sample = await sampler.stop();
      const s = summarize(load.latencies);
      const bound = w * m;
      const sizes = sizeTag(args, ["instances", "instancePoolMax", "instanceRequests", "instanceConcurrency"]);
      return {
        id: sizes ? `instances@${sizes}` : "instances",
        title: `instances — ${w} processes × DB_POOL_MAX ${m}, ${num(args.instanceRequests)} × POST /search at concurrency ${args.instanceConcurrency}`,
        headline: `peak backends ${sample.peak} ≤ W×M = ${bound} (${ratio(sample.peak / bound)} of the budget); ${load.ok}/${args.instanceRequests} 2xx, errors ${failureCount(load.failures)}, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}`,
        tables: [
          {
            headers: ["instance", "peak backends", "pool max"],
            rows: services.map((_, i) => [`#${i}`, sample.peakByApp.get(`${prefix}-${i}`) ?? 0, m]),
          },
          {
            headers: ["total peak backends", "W×M", "2xx", "errors", "p50", "p99", "2xx/s"],
            rows: [
              [
                sample.peak,
                bound,
                `${load.ok}/${args.instanceRequests}`,
                describeFailures(load.failures),
                ms(s.p50),
                ms(s.p99),
                num((load.ok / load.durationMs) * 1000),
              ],
            ],
          },
        ],
        notes: [
          `Each instance is \`node --import tsx functions/node.ts\` with its own \`DB_APPLICATION_NAME\`; requests go round-robin; a 10 ms \`pg_stat_activity\` sampler (${sample.samples} samples) counts backends per instance.`,
          "Sizing `max` from a connection budget, and when to put a pooler in front: docs/adr/0002-pool-sizing.md.",
        ],
      };
    } finally {
      await Promise.all(services.map((svc) => svc.stop()));
      await dropWhenIdle(database);
    }
  },
};

/**
 * @module
 * coldstart: process start → first `POST /search` 200 for the Node service (`node --import tsx functions/node.ts`,
 * which also connects, checks migrations and the embedding space) against the warm p50 of the same request; and
 * the Workers bundle size, gzipped, from `wrangler deploy --dry-run --outdir`.
 */
import http from "node:http";
import { sizeTag } from "./lib/args.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries } from "./lib/corpus.js";
import { runLoad, send } from "./lib/load.js";
import { BENCH_INDEX, corpusDatabase, dropWhenIdle } from "./lib/memory-db.js";
import { freePort, serviceEnv, spawnTsx } from "./lib/processes.js";
import { median, ms, num, ratio, summarize } from "./lib/stats.js";
import { withWorkerBundle } from "./lib/worker-bundle.js";

const WARM_REQUESTS = 200;

export const coldstart: Bench = {
  name: "coldstart",
  summary: "process start → first /search 200 vs warm p50; Workers bundle size gzipped",
  async run(env: BenchEnv) {
    const { args } = env;
    const database = await corpusDatabase("smbcold", generateCorpus({ bytes: 200_000, documents: 10 }));
    const body = JSON.stringify({ index: BENCH_INDEX, query: generateQueries(1, 5)[0], limit: 5 });
    const colds: number[] = [];
    let warm = summarize([]);
    const floor: number[] = [];
    try {
      for (let run = 0; run < args.coldRuns; run++) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}/search`;
        const started = performance.now();
        const child = spawnTsx(
          "functions/node.ts",
          serviceEnv({ databaseUrl: database.url, proxy: env.proxy, poolMax: 5, applicationName: "smb-cold" }, port),
        );
        try {
          colds.push((await firstOk(child.proc, url, body)) - started);
          env.log(`cold start ${run + 1}/${args.coldRuns}: ${ms(colds[colds.length - 1]!)}`);
          if (run === args.coldRuns - 1) {
            const load = await runLoad({ total: WARM_REQUESTS, concurrency: 1, target: () => ({ url, body }) });
            warm = summarize(load.latencies.slice(20));
          }
        } finally {
          await child.stop();
        }
        // The runtime floor: node + the tsx loader starting an empty module and exiting.
        const t = performance.now();
        const noop = spawnTsx("bench/lib/noop.ts", {});
        await new Promise((resolve) => noop.proc.once("exit", resolve));
        floor.push(performance.now() - t);
      }
    } finally {
      await dropWhenIdle(database);
    }
    env.log("wrangler deploy --dry-run");
    const bundle = await withWorkerBundle("wrangler.toml", (b) => b);
    const cold = median(colds);
    const sizes = sizeTag(args, ["coldRuns"]);
    return {
      id: sizes ? `coldstart@${sizes}` : "coldstart",
      title: "coldstart — Node process start → first POST /search 200; Workers bundle",
      headline: `cold first /search ${ms(cold)} (median of ${colds.length}) = ${ratio(cold / warm.p50)} the warm p50 (${ms(warm.p50)}); Workers bundle ${num(bundle.gzipKiB, 0)} KiB gzipped (${num(bundle.rawKiB, 0)} KiB raw)`,
      tables: [
        {
          headers: ["measure", "value"],
          rows: [
            ["cold: spawn → first /search 200 (median)", ms(cold)],
            ["cold: each run", colds.map((c) => ms(c)).join(", ")],
            ["runtime floor: `node --import tsx` empty module, spawn → exit (median)", ms(median(floor))],
            [
              `warm /search p50 / p99 (same process, ${WARM_REQUESTS - 20} sequential)`,
              `${ms(warm.p50)} / ${ms(warm.p99)}`,
            ],
            ["cold ÷ warm p50", ratio(cold / warm.p50)],
            ["Workers bundle (wrangler --dry-run), raw", `${num(bundle.rawKiB, 0)} KiB`],
            ["Workers bundle, gzipped (zlib level 9)", `${num(bundle.gzipKiB, 0)} KiB`],
            ["bundle files", bundle.files.join(", ")],
          ],
        },
      ],
      notes: [
        "Cold = a fresh `node --import tsx functions/node.ts` (the `npm start` code) spawned with the pool transport through the local Neon proxy; the bench polls `POST /search` every 10 ms until the first 200. That includes Node start, tsx transpiling the sources on the fly, module loading, opening the first connection, the migration check and the embedding-space check.",
        "The runtime floor row shows what Node + tsx cost before any of our code runs; a bundled, precompiled build would avoid the part tsx adds. Lambda and Vercel add their own runtime init on top.",
        "Workers: `wrangler deploy --dry-run --outdir <tmp>` (no upload, metrics off); every emitted .js/.mjs/.wasm file is summed, gzip by node:zlib. Cloudflare's limits apply to the compressed size (3 MiB free, 10 MiB paid).",
      ],
    };
  },
};

/** Polls `url` (POST `body`) every 10 ms until 200; returns the `performance.now()` of the first 200. Bounded. */
async function firstOk(proc: import("node:child_process").ChildProcess, url: string, body: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: false });
  const until = performance.now() + 60_000;
  try {
    while (performance.now() < until) {
      if (proc.exitCode !== null) throw new Error(`service exited with ${proc.exitCode}`);
      try {
        const res = await send(agent, { url, body }, 10_000);
        if (res.status === 200) return performance.now();
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    agent.destroy();
  }
  throw new Error(`no 200 from ${url} within 60 s`);
}

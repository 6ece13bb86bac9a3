import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
// @ts-expect-error plain JavaScript build script without type declarations
import { bundleOptions, ENTRIES } from "../scripts/build.mjs";
import { sizeTag } from "./lib/args.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries } from "./lib/corpus.js";
import { runLoad, send } from "./lib/load.js";
import { BENCH_INDEX, corpusDatabase, dropWhenIdle } from "./lib/memory-db.js";
import { admitAll, type Child, freePort, REPO_ROOT, serviceEnv, spawnNode, spawnTsx } from "./lib/processes.js";
import { median, ms, num, ratio, summarize } from "./lib/stats.js";
import { withWorkerBundle } from "./lib/worker-bundle.js";

const WARM_REQUESTS = 200;

export const coldstart: Bench = {
  name: "coldstart",
  summary: "process start → first /search 200 vs warm p50; Workers bundle size gzipped",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/node.ts", "functions/worker.ts", "wrangler.toml", "bench/lib/bundle-floor.ts"],
  async run(env: BenchEnv) {
    const { args } = env;
    const database = await corpusDatabase("smbcold", generateCorpus({ bytes: 200_000, documents: 10 }));
    const body = JSON.stringify({ index: BENCH_INDEX, query: generateQueries(1, 5)[0], limit: 5 });
    // Inside the repository (dist/ is git-ignored) so the bundle resolves its external PGlite from node_modules.
    await mkdir(join(REPO_ROOT, "dist"), { recursive: true });
    const outdir = await mkdtemp(join(REPO_ROOT, "dist", "bench-"));
    // Every entry `npm run build` writes (the server starts its worker threads from beside itself).
    await build(bundleOptions(ENTRIES, outdir));
    // The floor on its own, in one file: built with the server, it would share (and load) the server's chunks.
    await build({ ...bundleOptions({ floor: "bench/lib/bundle-floor.ts" }, outdir), splitting: false });
    const colds: number[] = [];
    const tsxColds: number[] = [];
    let warm = summarize([]);
    const floor: number[] = [];
    const bare: number[] = [];
    let idlePg = Number.NaN;
    const serviceAt = (port: number) =>
      serviceEnv(
        {
          databaseUrl: database.url,
          proxy: env.proxy,
          poolMax: 5,
          applicationName: "smb-cold",
          maxInFlight: admitAll(1),
        },
        port,
      );
    const exitTime = async (args: string[]) => {
      const t = performance.now();
      const child = spawnNode(args, {});
      await new Promise((resolve) => child.proc.once("exit", resolve));
      return performance.now() - t;
    };
    try {
      for (let run = 0; run < args.coldRuns; run++) {
        for (const [start, into] of [
          [(port: number) => spawnNode([join(outdir, "node.mjs")], serviceAt(port)), colds],
          [(port: number) => spawnTsx("functions/node.ts", serviceAt(port)), tsxColds],
        ] as const) {
          const port = await freePort();
          const url = `http://127.0.0.1:${port}/search`;
          const started = performance.now();
          const child = start(port);
          try {
            into.push((await firstOk(child.proc, url, body)) - started);
            if (into === colds && run === args.coldRuns - 1) {
              const load = await runLoad({ total: WARM_REQUESTS, concurrency: 1, target: () => ({ url, body }) });
              warm = summarize(load.latencies.slice(20));
              idlePg = await idleRss(child);
            }
          } finally {
            await child.stop();
          }
        }
        env.log(`cold start ${run + 1}/${args.coldRuns}: bundle ${ms(colds.at(-1)!)}, tsx ${ms(tsxColds.at(-1)!)}`);
        floor.push(await exitTime([join(outdir, "floor.mjs")]));
        bare.push(await exitTime(["-e", "0"]));
      }
    } finally {
      await dropWhenIdle(database);
    }
    env.log("embedded default: fresh data folder, then the same folder again");
    const embedded = await embeddedIdle(join(outdir, "node.mjs"));
    await rm(outdir, { recursive: true, force: true });
    env.log("wrangler deploy --dry-run");
    const bundle = await withWorkerBundle("wrangler.toml", (b) => b);
    const cold = median(colds);
    const sizes = sizeTag(args, ["coldRuns"]);
    return {
      id: sizes ? `coldstart@${sizes}` : "coldstart",
      title: "coldstart — Node process start → first POST /search 200; Workers bundle",
      headline: `cold spawn → first /search 200 ${ms(cold)} (median of ${colds.length}) = ${ratio(cold / median(floor))} a bare node start of the bundle (${ms(median(floor))}), tsx ${ms(median(tsxColds))}; idle RSS ${mib(idlePg)} on PostgreSQL, ${mib(embedded.fresh.idle)} on the embedded default (fresh folder; ${mib(embedded.existing.idle)} reopened); Workers bundle ${num(bundle.gzipKiB, 0)} KiB gzipped`,
      tables: [
        {
          headers: ["measure", "value"],
          rows: [
            ["cold: `node dist/node.mjs` (npm start) spawn → first /search 200 (median)", ms(cold)],
            ["cold: each run", colds.map((c) => ms(c)).join(", ")],
            ["floor: bare `node` start of the bundle's code (no server), spawn → exit (median)", ms(median(floor))],
            ["cold ÷ floor", ratio(cold / median(floor))],
            ["runtime alone: `node -e 0`, spawn → exit (median)", ms(median(bare))],
            ["cold: `node --import tsx functions/node.ts` (npm run dev:node), median", ms(median(tsxColds))],
            ["idle RSS after the warm requests, PostgreSQL (pool)", mib(idlePg)],
            [
              "idle RSS, embedded default, fresh data folder (server's peak during migrations; peak of the child process that created the folder; idle reached after)",
              `${mib(embedded.fresh.idle)} (${mib(embedded.fresh.peak)}; ${mib(embedded.fresh.createPeak)}; ${ms(embedded.fresh.settledMs)})`,
            ],
            [
              "idle RSS, embedded default, existing data folder (peak; idle reached after)",
              `${mib(embedded.existing.idle)} (${mib(embedded.existing.peak)}; ${ms(embedded.existing.settledMs)})`,
            ],
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
        "Cold = a fresh `node dist/node.mjs` (what `npm start` runs once the bundle is built; scripts/build.mjs options, built into a temp folder here) spawned with the pool transport through the local Neon proxy; the bench polls `POST /search` every 10 ms until the first 200. That includes Node start, loading the bundle, opening the first connection, the migration check and the embedding-space check. The tsx row runs the TypeScript sources the same way.",
        "Floor = the same bundle options on bench/lib/bundle-floor.ts (in one file, not split), which imports the server's module graph and starts nothing: what loading our code costs before any connection. Lambda and Vercel add their own runtime init on top.",
        "Idle RSS = VmRSS of the server process 2 s after its last request (PostgreSQL). Embedded default: a fresh PGLITE_DIR, so the first start also creates the database (in a short-lived child process of the server) and runs the migrations, then a second start on the same folder; sampled every 250 ms from when the server printed `listening`, idle = the first moment its VmRSS has stayed within 2 MiB for 2 s (so the thread replacement that follows the migrations is done, and nothing is waited for beyond that). Peak = VmHWM of the server process; the creating child's VmHWM is sampled every 50 ms while it runs.",
        "Workers: `wrangler deploy --dry-run --outdir <tmp>` (no upload, metrics off); every emitted .js/.mjs/.wasm file is summed, gzip by node:zlib. Cloudflare's limits apply to the compressed size (3 MiB free, 10 MiB paid).",
      ],
    };
  },
};

const mib = (bytes: number) => (Number.isFinite(bytes) ? `${num(bytes / 2 ** 20)} MiB` : "–");

/** VmRSS (and VmHWM) of a running child from /proc, after it has been idle for a moment. */
async function idleRss(child: Child, settleMs = 2_000): Promise<number> {
  await new Promise((r) => setTimeout(r, settleMs));
  return (await procMemory(child.proc.pid!)).rss;
}

async function procMemory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/** The server's child processes now (none when it has gone). */
async function childPids(pid: number): Promise<number[]> {
  const { readdir } = await import("node:fs/promises");
  const kids: number[] = [];
  try {
    for (const task of await readdir(`/proc/${pid}/task`)) {
      const list = await readFile(`/proc/${pid}/task/${task}/children`, "utf8").catch(() => "");
      kids.push(...list.split(" ").filter(Boolean).map(Number));
    }
  } catch {
    // the server exited
  }
  return kids;
}

/**
 * VmRSS once the process has reached idle: sampled every 250 ms from when it printed `listening`, idle is the
 * first moment it has stayed within 2 MiB for 2 s (work the service does on its own after start, like replacing
 * the embedded database's thread after the migrations, counts until it is done). Bounded at 60 s.
 */
async function settledRss(pid: number): Promise<{ idle: number; settledMs: number }> {
  const started = performance.now();
  const samples: { at: number; rss: number }[] = [];
  for (;;) {
    const now = performance.now();
    const rss = (await procMemory(pid)).rss;
    samples.push({ at: now, rss });
    const window = samples.filter((s) => s.at >= now - 2_000);
    const steady =
      now - started >= 2_000 &&
      Math.max(...window.map((s) => s.rss)) - Math.min(...window.map((s) => s.rss)) <= 2 * 2 ** 20;
    if (steady || now - started > 60_000) return { idle: rss, settledMs: now - started };
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The bundled server with no DATABASE_URL (PGlite) on a fresh folder, then again on the same folder. */
async function embeddedIdle(entry: string) {
  const dir = await mkdtemp(join(tmpdir(), "smb-pglite-"));
  const once = async () => {
    const port = await freePort();
    const child = spawnNode([entry], {
      PORT: String(port),
      PGLITE_DIR: join(dir, "data"),
      JOBS_INTERVAL_MS: "0",
      LOG_LEVEL: "warn",
    });
    const pid = child.proc.pid!;
    // The folder is created by a short-lived child process of the server: its peak counts too.
    let createPeak = 0;
    let stopWatching = false;
    const watching = (async () => {
      while (!stopWatching) {
        for (const kid of await childPids(pid)) createPeak = Math.max(createPeak, (await procMemory(kid)).peak || 0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const until = performance.now() + 300_000;
      while (!child.output().includes("listening")) {
        if (child.proc.exitCode !== null || performance.now() > until)
          throw new Error(`embedded start failed:\n${child.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const idle = await settledRss(pid);
      const { peak } = await procMemory(pid);
      stopWatching = true;
      await watching;
      return { ...idle, peak, createPeak };
    } finally {
      await child.stop();
    }
  };
  try {
    const fresh = await once();
    const existing = await once();
    return { fresh, existing };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

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

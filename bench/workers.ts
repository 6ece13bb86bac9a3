/**
 * @module
 * workers: the API Worker as deployed (`wrangler deploy --dry-run` output) run in workerd by Miniflare, serving
 * `POST /search` over the `http` transport (Neon's driver through the local proxy) and over `hyperdrive` (pg over
 * cloudflare:sockets, a socket per request, to a PgBouncer in transaction mode standing in for Hyperdrive's edge
 * pool), requests interleaved so machine load hits both alike; plus the API/ingestion Worker split in bundle size.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { startPgBouncer } from "../test/helpers/pgbouncer.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries } from "./lib/corpus.js";
import { BENCH_INDEX, corpusDatabase, dropWhenIdle } from "./lib/memory-db.js";
import { REPO_ROOT } from "./lib/processes.js";
import { ms, num, ratio, summarize } from "./lib/stats.js";
import { type WorkerBundle, withWorkerBundle } from "./lib/worker-bundle.js";

const SEARCHES = 300;
const WARMUP = 20;

export const workers: Bench = {
  name: "workers",
  summary: "search p50 in workerd over hyperdrive vs http; API and ingestion Worker bundle sizes",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/worker.ts", "functions/ingest-worker.ts", "wrangler.toml", "wrangler.ingest.toml"],
  async run(env: BenchEnv) {
    const ingest = await withWorkerBundle("wrangler.ingest.toml", (b) => b);
    const exact = await withExactTokenizer((config) => withWorkerBundle(config, (b) => b));
    env.log("ingestion Worker and the exact-tokenizer variant built; building the API Worker");
    const database = await corpusDatabase("smbworkers", generateCorpus({ bytes: 200_000, documents: 10 }));
    const bouncer = await startPgBouncer({ poolSize: 5 });
    try {
      return await withWorkerBundle("wrangler.toml", async (api) => {
        const mf = new Miniflare({
          workers: [worker(api, "http", { DATABASE_URL: database.url, NEON_LOCAL_PROXY: env.proxy })],
        });
        const mfHyperdrive = new Miniflare({
          workers: [
            {
              ...worker(api, "hyperdrive", {}),
              hyperdrives: {
                HYPERDRIVE: `postgresql://postgres:local@127.0.0.1:${bouncer.port}/${database.name}?sslmode=disable`,
              },
            },
          ],
        });
        try {
          const queries = generateQueries(SEARCHES + WARMUP, 5);
          const lat = { http: [] as number[], hyperdrive: [] as number[] };
          for (const [i, query] of queries.entries()) {
            for (const [name, target] of [
              ["http", mf],
              ["hyperdrive", mfHyperdrive],
            ] as const) {
              const t = performance.now();
              const res = await target.dispatchFetch("http://worker.bench/search", {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ index: BENCH_INDEX, query, limit: 5 }),
              });
              const text = await res.text();
              if (res.status !== 200) throw new Error(`${name} /search ${res.status}: ${text.slice(0, 200)}`);
              if (i >= WARMUP) lat[name].push(performance.now() - t);
            }
          }
          const http = summarize(lat.http);
          const hyperdrive = summarize(lat.hyperdrive);
          env.log(`http p50 ${ms(http.p50)}, hyperdrive p50 ${ms(hyperdrive.p50)}`);
          return {
            id: "workers",
            title: "workers — search in workerd per transport; the API/ingestion Worker split",
            headline: `search p50 in workerd: hyperdrive ${ms(hyperdrive.p50)} vs http ${ms(http.p50)} (${ratio(hyperdrive.p50 / http.p50)}); API Worker ${num(api.gzipKiB, 0)} KiB gzipped vs ingestion Worker ${num(ingest.gzipKiB, 0)} KiB`,
            tables: [
              {
                headers: ["transport", "p50", "p99", "mean", "requests"],
                rows: [
                  ["http (neon() over fetch)", ms(http.p50), ms(http.p99), ms(http.mean), String(http.count)],
                  [
                    "hyperdrive (pg per request)",
                    ms(hyperdrive.p50),
                    ms(hyperdrive.p99),
                    ms(hyperdrive.mean),
                    String(hyperdrive.count),
                  ],
                  ["hyperdrive ÷ http", ratio(hyperdrive.p50 / http.p50), ratio(hyperdrive.p99 / http.p99), "", ""],
                ],
              },
              {
                headers: ["Worker (wrangler deploy --dry-run)", "raw", "gzipped (zlib 9)", "carries"],
                rows: [
                  [
                    "API (wrangler.toml)",
                    `${num(api.rawKiB, 0)} KiB`,
                    `${num(api.gzipKiB, 0)} KiB`,
                    "HTTP API, search/ask, both transports",
                  ],
                  [
                    "API, counting tokens exactly (for comparison)",
                    `${num(exact.rawKiB, 0)} KiB`,
                    `${num(exact.gzipKiB, 0)} KiB`,
                    "the same with the answers' token counter swapped for the cl100k tokenizer, as before the estimate",
                  ],
                  [
                    "ingestion (wrangler.ingest.toml)",
                    `${num(ingest.rawKiB, 0)} KiB`,
                    `${num(ingest.gzipKiB, 0)} KiB`,
                    "queue consumer + cron: extraction (pdf.js, mammoth), chunking, embedding",
                  ],
                ],
              },
            ],
            notes: [
              `${SEARCHES} sequential \`POST /search\` per transport (after ${WARMUP} warm-up each), one request to each in turn, through Miniflare's \`dispatchFetch\` into the bundle wrangler would upload; a 10-document corpus ingested by the offline embedder.`,
              "Locally Hyperdrive is miniflare's TCP pass-through, so each request pays a full Postgres connection setup (startup + auth) through PgBouncer; Cloudflare's Hyperdrive keeps that connection warm at the edge. `http` pays one HTTP round trip per statement to the local Neon-compatible proxy.",
              "Bundles: every emitted .js file, gzip by node:zlib level 9. The API Worker leaves extraction and chunking to the ingestion Worker (its composition root, functions/worker.ts, starts jobs through a queue hand-over), and counts an answer's tokens with an estimate (lib/partition/token-estimate.ts, from lib/runtime/workers.ts): the cl100k ranks are what the comparison row adds.",
              "What else weighs in the API Worker (esbuild metafile, raw): the AI SDK and its providers ~690 KiB, zod ~880 KiB of which its v4 locales 364 KiB, the MCP SDK with ajv ~510 KiB. Dropping zod's locales (an experiment: its `locales/index.js` cut to `en`) saved 40 KiB gzipped; zod reaches them through a relative `export * as locales`, which wrangler's `[alias]` cannot redirect, so they stay rather than bringing in a custom build.",
            ],
          };
        } finally {
          await mf.dispose();
          await mfHyperdrive.dispose();
        }
      });
    } finally {
      await bouncer.close();
      await dropWhenIdle(database);
    }
  },
};

/**
 * A throw-away wrangler config for the API Worker whose root hands answers the exact tokenizer: the bundle as it
 * was before the estimate, built the same way, so the cut is measured in the same run.
 */
async function withExactTokenizer<T>(use: (config: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "smb-exact-"));
  try {
    const config = join(dir, "wrangler.toml");
    const main = join(dir, "worker-exact.ts");
    const lib = (path: string) => JSON.stringify(join(REPO_ROOT, "lib", path));
    await writeFile(
      main,
      [
        `import { inRequestScope } from ${lib("db/request-scope.ts")};`,
        `import { createApp } from ${lib("http/app.ts")};`,
        `import { answerMcp } from ${lib("http/routes/mcp-request.ts")};`,
        `import { countTokens } from ${lib("partition/tokenizer.ts")};`,
        `import { workersRuntime } from ${lib("runtime/workers.ts")};`,
        "const app = createApp({ runtime: { ...workersRuntime(), tokenCounter: async () => countTokens }, mcp: answerMcp });",
        "export default { fetch: (request, env, ctx) => inRequestScope(ctx, async (scoped) => app.fetch(request, env, scoped)) };",
        "",
      ].join("\n"),
    );
    await writeFile(
      config,
      [
        'name = "serverless-memory-exact-tokens"',
        `main = ${JSON.stringify(main)}`,
        'compatibility_date = "2026-04-20"',
        'compatibility_flags = ["nodejs_compat"]',
        "",
      ].join("\n"),
    );
    return await use(config);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function worker(api: WorkerBundle, transport: string, bindings: Record<string, string>) {
  return {
    name: `api-${transport}`,
    modules: true,
    modulesRoot: api.outdir,
    scriptPath: api.main,
    compatibilityDate: "2026-04-20",
    compatibilityFlags: ["nodejs_compat"],
    bindings: {
      DB_TRANSPORT: transport,
      DB_APPLICATION_NAME: `smb-workers-${transport}`,
      LOG_LEVEL: "warn",
      ...bindings,
    },
  };
}

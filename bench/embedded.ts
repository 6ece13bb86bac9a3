/**
 * @module
 * `npm run bench -- --only embedded`: the embedded default (no DATABASE_URL) while it ingests a 10 MB text
 * upload, with PGlite in-process (`PGLITE_THREAD=false`, how it ran before) and in its worker thread (the
 * default), side by side in one run. Each server is `npm start`'s bundle on a fresh data folder; `/health` is
 * requested back to back from upload until the document completes, and its latency summarised. Then idle RSS
 * on a fresh data folder and on the same folder reopened.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
// @ts-expect-error plain JavaScript build script without type declarations
import { bundleOptions, ENTRIES } from "../scripts/build.mjs";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { type Child, freePort, REPO_ROOT, spawnNode } from "./lib/processes.js";
import { ms, num, type Summary, summarize } from "./lib/stats.js";

const UPLOAD_BYTES = 10 * 1024 * 1024;
const SETTLE_MS = 8_000;
/** How long one ingest is watched at most: in-process PGlite held the loop past 15 min on 2 busy cores. */
const INGEST_CAP_MS = 480_000;
const MiB = 2 ** 20;

type Mode = { label: string; thread: boolean };
const MODES: Mode[] = [
  { label: "in-process (before)", thread: false },
  { label: "worker thread (after)", thread: true },
];

type Run = {
  health: Summary;
  healthFailures: number;
  ingestMs: number;
  /** The ingest had not completed when the cap ended the watch (the server could not even answer). */
  capped: boolean;
  freshIdle: number;
  peak: number;
  afterIngestIdle: number;
  existingIdle: number;
  existingPeak: number;
};

export const embedded: Bench = {
  name: "embedded",
  summary: "embedded default (PGlite): /health latency during a 10 MB ingest, in-process vs worker thread; idle RSS",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/node.ts"],
  async run(env: BenchEnv) {
    // Inside the repository (dist/ is git-ignored) so the bundle resolves its external PGlite from node_modules.
    await mkdir(join(REPO_ROOT, "dist"), { recursive: true });
    const outdir = await mkdtemp(join(REPO_ROOT, "dist", "bench-embedded-"));
    const text = uploadText(UPLOAD_BYTES);
    const runs: Run[] = [];
    try {
      await build(
        bundleOptions(
          { node: ENTRIES.node, "thread-entry": ENTRIES["thread-entry"], "pglite-thread": ENTRIES["pglite-thread"] },
          outdir,
        ),
      );
      // The worker thread first: the in-process run may leave the machine busy until its cap.
      for (const mode of [...MODES].reverse()) {
        env.log(`${mode.label}: fresh data folder, 10 MB upload`);
        runs.unshift(await measure(join(outdir, "node.mjs"), mode, text, env.log));
      }
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
    const [before, after] = runs as [Run, Run];
    const col = (f: (r: Run) => string) => runs.map(f);
    return {
      id: "embedded",
      title: "embedded — the embedded default (PGlite) during a 10 MB ingest: in-process vs worker thread; idle RSS",
      headline: `/health during a 10 MB ingest on the embedded default: p99 ${ms(before.health.p99)} → ${ms(after.health.p99)}, max ${before.capped ? "≥ " : ""}${ms(before.health.max)} → ${ms(after.health.max)} (in-process → worker thread${before.capped ? `; in-process had not completed the ingest after ${ms(INGEST_CAP_MS)}` : ""}); idle RSS ${mib(after.freshIdle)} fresh folder, ${mib(after.existingIdle)} existing`,
      tables: [
        {
          headers: ["measure", ...MODES.map((m) => `PGlite ${m.label}`)],
          rows: [
            ["/health p50 during the ingest", ...col((r) => ms(r.health.p50))],
            ["/health p99", ...col((r) => ms(r.health.p99))],
            ["/health max", ...col((r) => `${r.capped ? "≥ " : ""}${ms(r.health.max)}`)],
            ["/health requests (not 200)", ...col((r) => `${r.health.count} (${r.healthFailures})`)],
            ["upload → completed", ...col((r) => (r.capped ? `not within ${ms(INGEST_CAP_MS)}` : ms(r.ingestMs)))],
            ["idle RSS, fresh data folder (after start-up and migrations)", ...col((r) => mib(r.freshIdle))],
            ["peak RSS of the first run (VmHWM: start-up, migrations, ingest)", ...col((r) => mib(r.peak))],
            ["idle RSS after the ingest", ...col((r) => mib(r.afterIngestIdle))],
            ["idle RSS, existing data folder (peak)", ...col((r) => `${mib(r.existingIdle)} (${mib(r.existingPeak)})`)],
          ],
        },
      ],
      notes: [
        "Each column: `node dist/node.mjs` (npm start's bundle, built by scripts/build.mjs into a temp folder) with no DATABASE_URL, a fresh PGLITE_DIR, `MAX_EXTRACTED_CHARS=20000000` (the 10 MB text is over the 5 M default), `EXTRACT_TIMEOUT_MS=900000` (in-process, the blocked loop read the extraction thread's answer after its 60 s deadline had fired), JOBS_INTERVAL_MS=0; the in-process column adds PGLITE_THREAD=false.",
        `Each ingest is watched for at most ${INGEST_CAP_MS / 1000} s; a run cut there says so, and the /health request still waiting at the cut counts with the time it had waited (so its max is a lower bound).`,
        "/health is requested back to back (one at a time, 10 ms apart) from the upload until `/upload-status` says completed (polled every 500 ms); latency is request → response body at the client.",
        `Idle RSS = VmRSS ${SETTLE_MS / 1000} s after the server printed \`listening\` (fresh folder: creating the database and running the migrations are part of the start) or after the document completed; then the server is stopped and started again on the same folder. Peak = VmHWM.`,
        "The worker thread that created the database (initdb) is replaced by a fresh one at once; a thread whose WebAssembly memory (which never shrinks) grew past 192 MiB is replaced once idle (in a 5 MB probe with LOG_LEVEL=info it never did: the heap stayed at 128 MiB, so the RSS left after an ingest is held outside WebAssembly).",
      ],
    };
  },
};

/** Lines of ordinary prose, numbered so chunks differ, up to `bytes`. */
function uploadText(bytes: number): string {
  const words =
    "the keeper trims the lamp at dusk and logs each ship that passes the rocks before the tide turns".split(" ");
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${i}: ${Array.from({ length: 14 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(" ")}.\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join("").slice(0, bytes);
}

async function measure(entry: string, mode: Mode, text: string, log: (m: string) => void): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), "smb-embedded-"));
  const start = async () => {
    const port = await freePort();
    const child = spawnNode([entry], {
      PORT: String(port),
      PGLITE_DIR: join(dir, "data"),
      PGLITE_THREAD: String(mode.thread),
      JOBS_INTERVAL_MS: "0",
      MAX_EXTRACTED_CHARS: "20000000",
      // In-process, PGlite holds the loop so long that the extraction deadline's timer fires before the
      // finished thread's answer is read; the deadline is not what is measured here.
      EXTRACT_TIMEOUT_MS: "900000",
      LOG_LEVEL: "warn",
    });
    const until = performance.now() + 300_000;
    while (!child.output().includes("listening on")) {
      if (child.proc.exitCode !== null || performance.now() > until) {
        await child.stop();
        throw new Error(`embedded start failed:\n${child.output()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!child.output().includes("embedded PGlite")) throw new Error(`not on the embedded default:\n${child.output()}`);
    return { child, url: `http://127.0.0.1:${port}` };
  };
  try {
    const first = await start();
    let run: Omit<Run, "existingIdle" | "existingPeak">;
    try {
      const freshIdle = await settledRss(first.child);
      const ingest = await ingestWhileProbing(first.child, first.url, text);
      log(`${mode.label}: ingested in ${ms(ingest.ingestMs)}; /health p99 ${ms(ingest.health.p99)}`);
      const afterIngestIdle = await settledRss(first.child);
      run = { ...ingest, freshIdle, afterIngestIdle, peak: (await procMemory(first.child)).peak };
    } finally {
      await first.child.stop();
    }
    const second = await start();
    try {
      const existingIdle = await settledRss(second.child);
      return { ...run, existingIdle, existingPeak: (await procMemory(second.child)).peak };
    } finally {
      await second.child.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function ingestWhileProbing(child: Child, url: string, text: string) {
  const latencies: number[] = [];
  let failures = 0;
  let probing = true;
  const stopProbing = new AbortController();
  const prober = (async () => {
    while (probing) {
      const t = performance.now();
      // Aborted at the cap: the request still waiting then counts with the time it had waited (a lower bound).
      const status = await fetch(`${url}/health`, { signal: stopProbing.signal }).then(
        async (res) => {
          await res.arrayBuffer();
          return res.status;
        },
        () => 0,
      );
      latencies.push(performance.now() - t);
      if (status !== 200) failures++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const started = performance.now();
  const form = new FormData();
  form.append("documentId", "ten-mb");
  form.append("files", new Blob([text]), "ten-mb.txt");
  const upload = await fetch(`${url}/upload`, { method: "POST", body: form });
  if (upload.status !== 202) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
  let status: { completed?: boolean; failed?: boolean; error?: unknown } = {};
  const until = started + INGEST_CAP_MS;
  while (!status.completed && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`the server died during the ingest:\n${child.output()}`);
    }
    // A stalled server answers late (undici gives up after 300 s): keep asking until the deadline.
    status = (await fetch(`${url}/upload-status?documentId=ten-mb`, {
      signal: AbortSignal.timeout(Math.max(1, Math.ceil(until - performance.now()))),
    }).then(
      (res) => res.json(),
      () => ({}),
    )) as typeof status;
    if (status.failed) break;
  }
  const ingestMs = performance.now() - started;
  probing = false;
  stopProbing.abort();
  await prober;
  if (!status.completed) {
    if (status.failed) throw new Error(`the 10 MB upload failed: ${JSON.stringify(status)}`);
    return { health: summarize(latencies), healthFailures: failures, ingestMs, capped: true };
  }
  const search = (await (
    await fetch(`${url}/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "keeper lamp", limit: 1 }),
    })
  ).json()) as { results: unknown[] };
  if (search.results.length === 0) throw new Error("the ingested document is not found by search");
  return { health: summarize(latencies), healthFailures: failures, ingestMs, capped: false };
}

async function settledRss(child: Child): Promise<number> {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return (await procMemory(child)).rss;
}

async function procMemory(child: Child): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${child.proc.pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

const mib = (bytes: number) => (Number.isFinite(bytes) ? `${num(bytes / MiB)} MiB` : "–");

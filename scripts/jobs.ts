/**
 * @module
 * `npm run jobs -- --once`: one cron tick from the command line (manual runs,
 * AWS EventBridge → a container/CLI task). Without `--once` it keeps ticking
 * every JOBS_INTERVAL_MS (default 60 s) until interrupted. Prints one JSON line
 * per run; exits non-zero when a run fails.
 */
import "../lib/db/node.js";
import { parseConfig } from "../lib/config/env.js";
import { closeAllHandles } from "../lib/db/index.js";
import { runScheduled } from "../lib/jobs/scheduled.js";
import { useExtractionThreads } from "../lib/runtime/node-extraction.js";

useExtractionThreads(process.env);

const once = process.argv.includes("--once");
const cron = process.argv.find((a) => a.startsWith("--cron="))?.slice("--cron=".length) ?? "cli";

async function tick(): Promise<boolean> {
  try {
    console.log(JSON.stringify(await runScheduled({ env: process.env, cron })));
    return true;
  } catch (err) {
    console.error(JSON.stringify({ event: "jobs.failed", error: (err as Error).message }));
    return false;
  }
}

if (once) {
  const ok = await tick();
  await closeAllHandles();
  process.exit(ok ? 0 : 1);
} else {
  const intervalMs = parseConfig(process.env).JOBS_INTERVAL_MS || 60_000;
  let stopping = false;
  process.once("SIGINT", () => (stopping = true));
  process.once("SIGTERM", () => (stopping = true));
  while (!stopping) {
    await tick();
    for (let waited = 0; waited < intervalMs && !stopping; waited += 250) await new Promise((r) => setTimeout(r, 250));
  }
  await closeAllHandles();
}

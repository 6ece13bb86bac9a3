/**
 * @module
 * `npm run jobs -- --once`: one cron tick from the command line (manual runs,
 * AWS EventBridge → a container/CLI task). Without `--once` it keeps ticking
 * every JOBS_INTERVAL_MS (default 60 s) until interrupted. Prints one JSON line
 * per run; with `--once`, exits 1 when the run fails and 2 when the configuration
 * cannot work (`exitCodeFor`, the CLI edge of the error mapping).
 */
import { parseConfig } from "../lib/config/env.js";
import { closeAllHandles } from "../lib/db/index.js";
import { exitCodeFor } from "../lib/errors.js";
import { runScheduled } from "../lib/jobs/scheduled.js";
import { nodeRuntime } from "../lib/runtime/node.js";

const runtime = nodeRuntime({ extractionThreads: true });

const once = process.argv.includes("--once");
const cron = process.argv.find((a) => a.startsWith("--cron="))?.slice("--cron=".length) ?? "cli";

/** One tick; the exit code it deserves (0 when it ran). */
async function tick(): Promise<number> {
  try {
    console.log(JSON.stringify(await runScheduled({ env: process.env, runtime, cron })));
    return 0;
  } catch (err) {
    console.error(JSON.stringify({ event: "jobs.failed", error: (err as Error).message }));
    return exitCodeFor(err);
  }
}

if (once) {
  const code = await tick();
  await closeAllHandles();
  process.exit(code);
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

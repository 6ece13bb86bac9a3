/**
 * @module
 * `npm run bench [-- --only fanout,search] [--requests 10000 --concurrency 500] [--vectors 1000000]`
 *
 * Runs the benchmarks in order, prints each table, and rewrites its section of BENCHMARKS.md with the exact command,
 * the date, the commit (and any uncommitted change to what the benchmark measures) and the machine. Every ratio is measured side by side in the same run. Timings never go into tests.
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { setLogLevel } from "../lib/log/logger.js";
import { ADMIN_URL } from "../test/helpers/database.js";
import { BENCHES } from "./benches.js";
import { parseBenchArgs } from "./lib/args.js";
import { describeMachine, machineFacts } from "./lib/machine.js";
import { headCommit, measuredPaths, uncommitted } from "./lib/measured.js";
import { startProxyProcess } from "./lib/processes.js";
import { renderSection, writeSection } from "./lib/report.js";

const REPORT = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));

setLogLevel("warn");
// Exit through process.exit so bench/lib/processes.ts can kill the children it started.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
const argv = process.argv.slice(2);
const args = parseBenchArgs(argv);
const unknown = (args.only ?? []).filter((name) => !BENCHES.some((b) => b.name === name));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHES.map((b) => b.name).join(", ")}`);
  process.exit(2);
}
const selected = BENCHES.filter((b) => !args.only || args.only.includes(b.name));
const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;

const admin = new pg.Client({ connectionString: ADMIN_URL, application_name: "sm-bench-admin" });
// A restarted or terminating server must fail the benchmark that was running, not crash the process.
admin.on("error", (err) => console.error(`   admin connection lost: ${err.message}`));
await admin.connect();
const machine = describeMachine(await machineFacts(admin));
await admin.end();
// The commit each section ran on, and which of its measured files differed from it (test/node/suites/bench-fresh.test.ts).
const commit = await headCommit();
const measured = await measuredPaths(selected);
const proxy = await startProxyProcess();
const started = performance.now();
let failed = 0;
try {
  for (const bench of selected) {
    const t0 = performance.now();
    console.log(`\n== ${bench.name}: ${bench.summary}`);
    // A fresh admin connection per benchmark: a server restart mid-run fails one benchmark, not the rest.
    const benchAdmin = new pg.Client({ connectionString: ADMIN_URL, application_name: "sm-bench-admin" });
    benchAdmin.on("error", (err) => console.error(`   admin connection lost: ${err.message}`));
    try {
      await benchAdmin.connect();
      const report = await bench.run({
        args,
        admin: benchAdmin,
        proxy: proxy.address,
        log: (m) => console.log(`   [${bench.name}] ${m}`),
      });
      const section = renderSection(report, {
        command,
        date: new Date().toISOString().slice(0, 10),
        machine,
        commit,
        uncommitted: await uncommitted(measured.get(bench.name)!),
      });
      console.log(`\n${section}\n`);
      await writeSection(REPORT, report.id, section);
      console.log(`   (${bench.name} took ${((performance.now() - t0) / 1000).toFixed(0)} s; BENCHMARKS.md updated)`);
    } catch (err) {
      failed++;
      console.error(`   ${bench.name} FAILED: ${(err as Error).stack ?? err}`);
    } finally {
      await benchAdmin.end().catch(() => {});
    }
  }
} finally {
  await proxy.stop();
}
console.log(
  `\nall done in ${((performance.now() - started) / 1000).toFixed(0)} s${failed ? `, ${failed} failed` : ""}`,
);
process.exit(failed ? 1 : 0);

/**
 * @module
 * `npm run bench:mark-stale`: puts a "Stale since <commit>" line under every larger named run in BENCHMARKS.md
 * (`vectors@vectors=1000000`, …) whose measured files changed after the commit it ran on, and removes it from those
 * that are fresh again. Default-size sections are never marked: it lists them with the command that rewrites them.
 */
import { readFile, writeFile } from "node:fs/promises";
import { BENCHES } from "./benches.js";
import { judge, staleLine } from "./lib/freshness.js";
import { history, measuredPaths, ROOT } from "./lib/measured.js";
import { parseSections, withStaleLine } from "./lib/sections.js";

const file = `${ROOT}BENCHMARKS.md`;
let text = await readFile(file, "utf8");
const paths = await measuredPaths(BENCHES);
const git = await history();
let rerun = 0;
for (const section of parseSections(text)) {
  const verdict = await judge(section, paths.get(section.bench), git);
  if (verdict.fresh) {
    if (section.staleSince) text = withStaleLine(text, section.id, undefined);
    continue;
  }
  if (verdict.markable) {
    text = withStaleLine(text, section.id, staleLine(section, verdict));
    console.log(`marked ${section.id}: stale since ${verdict.staleSince ?? section.commit}`);
  } else {
    rerun++;
    console.log(`${section.id}: ${verdict.reason}`);
  }
}
await writeFile(file, text);
if (rerun)
  console.log(`${rerun} default-size section(s) to rerun (npm run bench rewrites them); nothing marked for those`);

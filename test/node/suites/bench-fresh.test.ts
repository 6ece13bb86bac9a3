/**
 * BENCHMARKS.md describes the code it sits next to: every benchmark has a section, every section records the commit
 * it ran on (on a clean tree), and no file it measures — its bench file, bench/lib, and the lib/ and functions/
 * files its import graph and spawned entry points reach (bench/lib/measured.ts) — changed since. A larger named run
 * may instead be marked stale by `npm run bench:mark-stale`. Edits to BENCHMARKS.md itself and to docs never count.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BENCHES } from "../../../bench/benches.js";
import { judge } from "../../../bench/lib/freshness.js";
import { history, measuredPaths, ROOT } from "../../../bench/lib/measured.js";
import { parseSections, type Section } from "../../../bench/lib/sections.js";

let sections: Section[];
let paths: Map<string, string[]>;

beforeAll(async () => {
  sections = parseSections(await readFile(join(ROOT, "BENCHMARKS.md"), "utf8"));
  paths = await measuredPaths(BENCHES);
});

describe("BENCHMARKS.md is measured on the current code", () => {
  it("declares what each benchmark measures: files that exist, never BENCHMARKS.md or docs", () => {
    for (const bench of BENCHES) {
      const measured = paths.get(bench.name)!;
      expect(measured, bench.name).toContain(`bench/${bench.name}.ts`);
      expect(
        measured.filter((p) => !existsSync(join(ROOT, p))),
        bench.name,
      ).toEqual([]);
      expect(
        measured.filter((p) => p === "BENCHMARKS.md" || p.startsWith("docs/")),
        bench.name,
      ).toEqual([]);
    }
    // The service's benchmarks reach the store through the import graph, not a hand-kept list.
    expect(paths.get("search")).toContain("lib/store/chunk-search.ts");
  });

  it("has a default-size section for every benchmark", () => {
    const defaults = new Set(sections.filter((s) => !s.named).map((s) => s.bench));
    expect(BENCHES.map((b) => b.name).filter((name) => !defaults.has(name))).toEqual([]);
  });

  it("has no section whose measured files changed after the commit it ran on (named runs: or marked stale)", async () => {
    const git = await history();
    const problems: string[] = [];
    for (const section of sections) {
      const verdict = await judge(section, paths.get(section.bench), git);
      if (verdict.fresh) continue;
      if (section.named && verdict.markable && section.staleSince) continue;
      const hint = section.named && verdict.markable ? " — or run `npm run bench:mark-stale`" : "";
      problems.push(`${section.id}: ${verdict.reason}${hint}`);
    }
    expect(problems).toEqual([]);
  });

  it("finds a section stale when a measured file changed after its commit", async () => {
    const git = await history();
    // The repository's first commit predates every file bench/search.ts measures.
    const { execFileSync } = await import("node:child_process");
    const first = execFileSync("git", ["rev-list", "--max-parents=0", "HEAD"], { cwd: ROOT })
      .toString()
      .split("\n")[0]!;
    const section: Section = { id: "search", bench: "search", named: false, commit: first, dirty: false, text: "" };
    const verdict = await judge(section, paths.get("search"), git);
    expect(verdict.fresh).toBe(false);
    if (!verdict.fresh && !git.shallow) expect(verdict.changed).toContain("bench/search.ts");
  });
});

/**
 * @module
 * Which files a benchmark's figures depend on, and what git says about them. A bench declares what it runs outside
 * its own imports (spawned entry points, Worker configs); the rest is the static import graph of its file and of
 * those entry points (dependency-cruiser, the tool `npm run lint:imports` uses), plus bench/lib and the runner. The
 * guard (test/node/suites/bench-fresh.test.ts), the runner's dirty marker and `npm run bench:mark-stale` all use this.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Bench } from "./bench-env.js";

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What every section depends on besides its own bench: the shared bench code and the proxy every bench runs. */
export const COMMON = ["bench/lib", "bench/run.ts", "bench/benches.ts", "scripts/neon-proxy.ts"] as const;

const CODE = /\.(ts|mts|js|mjs)$/;

type Graph = Map<string, string[]>;

/** The project's own import graph from `entries` (node_modules left out). */
async function importGraph(entries: string[]): Promise<Graph> {
  const { stdout } = await run(
    "node_modules/.bin/depcruise",
    [...entries, "--config", ".dependency-cruiser.json", "--output-type", "json"],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  const { modules } = JSON.parse(stdout) as {
    modules: Array<{ source: string; dependencies: Array<{ resolved: string }> }>;
  };
  // Packages and Node built-ins (resolved or not) are not the repository's files.
  const own = (path: string) => !path.startsWith("node_modules/") && existsSync(join(ROOT, path));
  return new Map(
    modules.filter((m) => own(m.source)).map((m) => [m.source, m.dependencies.map((d) => d.resolved).filter(own)]),
  );
}

function closure(graph: Graph, from: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...(graph.get(file) ?? []));
  }
  return seen;
}

/** Per bench, the sorted repository paths (files and folders) its figures depend on. */
export async function measuredPaths(benches: readonly Bench[]): Promise<Map<string, string[]>> {
  const roots = (b: Bench) => [
    `bench/${b.name}.ts`,
    "scripts/neon-proxy.ts",
    ...b.measures.filter((p) => CODE.test(p)),
  ];
  const graph = await importGraph([...new Set(benches.flatMap(roots))]);
  return new Map(
    benches.map((b) => {
      const files = [...closure(graph, roots(b))].filter((f) => !f.startsWith("bench/lib/"));
      return [b.name, [...new Set([...COMMON, ...b.measures, ...files])].sort()];
    }),
  );
}

async function git(args: string[]): Promise<string> {
  // Only the end: a porcelain status line starts with a meaningful space.
  return (await run("git", args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })).stdout.trimEnd();
}

export const headCommit = async () => (await git(["rev-parse", "HEAD"])).slice(0, 12);

/** Measured paths with uncommitted changes (a section run on them records that it was). */
export async function uncommitted(paths: readonly string[]): Promise<string[]> {
  const out = await git(["status", "--porcelain", "--", ...paths]);
  return out ? out.split("\n").map((line) => line.slice(3)) : [];
}

export type History = { has(commit: string): Promise<boolean>; shallow: boolean };

export async function history(): Promise<History> {
  const shallow = (await git(["rev-parse", "--is-shallow-repository"])) === "true";
  return {
    shallow,
    has: (commit) =>
      git(["cat-file", "-e", `${commit}^{commit}`]).then(
        () => true,
        () => false,
      ),
  };
}

/** Measured files that differ between `commit` and the working tree (committed since, or edited and not committed). */
export async function changedSince(commit: string, paths: readonly string[]): Promise<string[]> {
  const out = await git(["diff", "--name-only", commit, "--", ...paths]);
  return out ? out.split("\n") : [];
}

/** The first commit after `commit` that touched a measured path. */
export async function firstChange(commit: string, paths: readonly string[]): Promise<string | undefined> {
  const out = await git(["rev-list", "--reverse", "--abbrev-commit", "--abbrev=12", `${commit}..HEAD`, "--", ...paths]);
  return out.split("\n").find(Boolean);
}

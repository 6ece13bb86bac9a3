/**
 * @module
 * Whether each BENCHMARKS.md section still describes the code: the rules the guard (test/node/suites/bench-fresh.test.ts)
 * enforces and `npm run bench:mark-stale` applies. A section is fresh when it records a clean commit and no file it
 * measures (bench/lib/measured.ts) changed since. Default-size sections must be fresh (`npm run bench` rewrites
 * them); a larger named run may instead carry a stale line naming the first commit that changed what it measured.
 */
import type { Bench } from "./bench-env.js";
import { changedSince, firstChange, type History } from "./measured.js";
import type { Section } from "./sections.js";

export type Verdict =
  | { fresh: true }
  | { fresh: false; reason: string; changed: string[]; staleSince?: string; markable: boolean };

/** The command that rewrites a section, from its id (`vectors@vectors=1000000,hnsw-m=16` → its flags). */
export function rerunCommand(section: Section): string {
  const sizes = section.id.includes("@") ? section.id.slice(section.id.indexOf("@") + 1).split(",") : [];
  const flags = sizes.map((kv) => ` --${kv.replace("=", " ")}`).join("");
  return `npm run bench -- --only ${section.bench}${flags}`;
}

const rerun = (s: Section) => `rerun \`${rerunCommand(s)}\``;

export async function judge(section: Section, paths: readonly string[] | undefined, git: History): Promise<Verdict> {
  const stale = (reason: string, changed: string[] = [], staleSince?: string) =>
    ({ fresh: false, reason, changed, staleSince, markable: section.named }) as const;
  if (!paths) return { ...stale(`no benchmark named ${section.bench}: remove the section`), markable: false };
  if (!section.commit)
    return stale(`records no commit (ran before commits were recorded): ${rerun(section)}`, [], "unrecorded");
  if (section.dirty)
    return stale(
      `ran on uncommitted changes to what it measures: ${rerun(section)} on a clean tree`,
      [],
      section.commit,
    );
  if (!(await git.has(section.commit)))
    return {
      ...stale(
        git.shallow
          ? `its commit ${section.commit} is not in this clone, whose history is shallow: fetch the full history (\`git fetch --unshallow\`; CI: actions/checkout with fetch-depth: 0)`
          : `its commit ${section.commit} is not in this repository's history (run on a branch that was rebased or squashed): ${rerun(section)}`,
      ),
      markable: section.named && !git.shallow,
    };
  const changed = await changedSince(section.commit, paths);
  if (!changed.length) return { fresh: true };
  const since = (await firstChange(section.commit, paths)) ?? "uncommitted";
  return stale(
    `${changed.length} measured file(s) changed since ${section.commit} (${changed.slice(0, 6).join(", ")}${changed.length > 6 ? ", …" : ""}): ${rerun(section)}`,
    changed,
    since,
  );
}

/** The line `npm run bench:mark-stale` puts under a named run's title. */
export function staleLine(section: Section, verdict: Extract<Verdict, { fresh: false }>): string {
  const since = verdict.staleSince ?? section.commit ?? "unrecorded";
  return `**Stale since \`${since}\`** (marked by \`npm run bench:mark-stale\`): ${verdict.reason}.`;
}

export const benchNames = (benches: readonly Bench[]) => new Set(benches.map((b) => b.name));

/**
 * @module
 * BENCHMARKS.md read back: each section's id, the benchmark that wrote it, the commit it ran on (with its dirty
 * marker) and a stale marker, if `npm run bench:mark-stale` set one.
 */

export type Section = {
  id: string;
  /** The benchmark's name: the id up to `@` (a non-default size has `@size` appended). */
  bench: string;
  /** A larger named run (`vectors@vectors=1000000`), which `npm run bench` with default sizes does not rewrite. */
  named: boolean;
  command?: string;
  commit?: string;
  dirty: boolean;
  /** The first commit after the run that changed what it measures, or `unrecorded` for a run without a commit. */
  staleSince?: string;
  text: string;
};

const SECTION = /<!-- bench:(\S+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g;
const META = /^`(npm run bench[^`]*)` · (.*)$/m;
const COMMIT = /· commit `([0-9a-f]{7,40})`( \+ uncommitted changes)?/;
export const STALE = /^\*\*Stale since `([0-9a-f]{7,40}|unrecorded)`\*\*.*\n/m;

export function parseSections(markdown: string): Section[] {
  return [...markdown.matchAll(SECTION)].map(([, id, text]) => {
    const meta = text!.match(META);
    const commit = meta?.[2]?.match(COMMIT);
    return {
      id: id!,
      bench: id!.split("@")[0]!,
      named: id!.includes("@"),
      command: meta?.[1],
      commit: commit?.[1],
      dirty: Boolean(commit?.[2]),
      staleSince: text!.match(STALE)?.[1],
      text: text!,
    };
  });
}

/** The section with its stale line set (after the title), or removed when `line` is undefined. */
export function withStaleLine(markdown: string, id: string, line: string | undefined): string {
  const start = `<!-- bench:${id} -->\n`;
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(`<!-- /bench:${id} -->`, from);
  if (from < 0 || to < 0) throw new Error(`no section ${id}`);
  const body = markdown.slice(from + start.length, to).replace(STALE, "");
  const title = body.indexOf("\n") + 1;
  const next = line ? `${body.slice(0, title)}${line}\n${body.slice(title)}` : body;
  return `${markdown.slice(0, from + start.length)}${next}${markdown.slice(to)}`;
}

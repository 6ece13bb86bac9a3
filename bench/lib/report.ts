/**
 * @module
 * Rewrites one benchmark's section of BENCHMARKS.md between stable markers
 * (`<!-- bench:ID -->` … `<!-- /bench:ID -->`), appending the section when it is new.
 */
import { readFile, writeFile } from "node:fs/promises";
import { renderTable, type Table } from "./table.js";

export type BenchReport = {
  /** Marker id; a non-default size gets its own section (`fanout@requests=10000,concurrency=500`). */
  id: string;
  title: string;
  /** The headline, e.g. "peak backends ÷ pool max: ours 1.00×, pool-per-request 6.00×". */
  headline: string;
  tables: Table[];
  notes: string[];
};

export type RunMeta = {
  command: string;
  date: string;
  machine: string;
  /** `git rev-parse HEAD` (12 digits) when the run started. */
  commit: string;
  /** Files the benchmark measures that differed from that commit (the figures are not the commit's). */
  uncommitted: readonly string[];
};

export function renderSection(report: BenchReport, meta: RunMeta): string {
  const dirty = meta.uncommitted.length ? ` + uncommitted changes to ${meta.uncommitted.join(", ")}` : "";
  return [
    `<!-- bench:${report.id} -->`,
    `### ${report.title}`,
    "",
    `\`${meta.command}\` · ${meta.date} · commit \`${meta.commit}\`${dirty} · ${meta.machine}`,
    "",
    `**${report.headline}**`,
    "",
    ...report.tables.flatMap((t) => [renderTable(t), ""]),
    ...report.notes.map((n) => `- ${n}`),
    `<!-- /bench:${report.id} -->`,
  ].join("\n");
}

export async function writeSection(file: string, id: string, section: string): Promise<void> {
  let text = await readFile(file, "utf8").catch(() => "# Benchmarks\n");
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = `${text.slice(0, from)}${section}${text.slice(to + end.length)}`;
  else text = `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(file, text.endsWith("\n") ? text : `${text}\n`);
}

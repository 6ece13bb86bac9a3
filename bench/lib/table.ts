/** @module Markdown tables: the same text is printed to the console and written into BENCHMARKS.md. */

export type Table = { title?: string; headers: string[]; rows: Array<Array<string | number>> };

export function renderTable(table: Table): string {
  const line = (cells: Array<string | number>) =>
    `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  const head = [line(table.headers), `|${table.headers.map(() => "---").join("|")}|`];
  const body = table.rows.map(line);
  return [...(table.title ? [`**${table.title}**`, ""] : []), ...head, ...body].join("\n");
}

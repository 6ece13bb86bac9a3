/**
 * @module
 * CSV → one `header: value; header: value` line per row, so each row reads as a self-describing fact and the
 * partitioner can split between rows.
 */

import Papa from "papaparse";

export function csvToText(text: string): string {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
  const [headerRow, ...rows] = parsed.data;
  if (!headerRow) return "";
  const headers = headerRow.map((h, i) => h.trim() || `column ${i + 1}`);

  return rows
    .map((row) =>
      row
        .map((cell, i) => [headers[i] ?? `column ${i + 1}`, cell.replace(/\s*\n\s*/g, " ").trim()] as const)
        .filter(([, cell]) => cell !== "")
        .map(([header, cell]) => `${header}: ${cell}`)
        .join("; "),
    )
    .filter((line) => line !== "")
    .join("\n");
}

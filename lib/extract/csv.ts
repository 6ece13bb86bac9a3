/**
 * @module
 * CSV → one `header: value; header: value` line per row, so each row reads as a self-describing fact and the
 * partitioner can split between rows.
 */

import Papa from "papaparse";
import { checkLimit, type ExtractLimits } from "./limits.js";

/** Headers repeat on every row, so the output can outgrow the input: it is counted as it is built. */
export function csvToText(text: string, limits: ExtractLimits): string {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
  const [headerRow, ...rows] = parsed.data;
  if (!headerRow) return "";
  const headers = headerRow.map((h, i) => h.trim() || `column ${i + 1}`);

  const lines: string[] = [];
  let length = 0;
  for (const row of rows) {
    const line = row
      .map((cell, i) => [headers[i] ?? `column ${i + 1}`, oneLine(cell)] as const)
      .filter(([, cell]) => cell !== "")
      .map(([header, cell]) => `${header}: ${cell}`)
      .join("; ");
    if (line === "") continue;
    length += line.length + 1;
    checkLimit(limits, "maxChars", length, `the CSV's rows pass ${length} characters`);
    lines.push(line);
  }
  return lines.join("\n");
}

// A whitespace run that holds a line break becomes one space (one match per run: linear on any input).
function oneLine(cell: string): string {
  return cell.replace(/\s+/g, (run) => (run.includes("\n") ? " " : run)).trim();
}

/**
 * @module
 * Tables in extracted text, so the partitioner keeps them whole: Markdown pipe tables (what Markdown files hold
 * and what the HTML and DOCX extractors write tables as). A table is a header line, a delimiter line
 * (`| --- | :-: |`) and the rows after it up to the first line without a `|`. Inside a table the only cuts are
 * between rows; a table that fits a chunk is moved whole into the next chunk rather than split; and a chunk that
 * starts inside a table begins with the table's header again, so every chunk of a long table stands on its own.
 */
import { CUT, type CutStrength } from "./boundaries.js";
import type { Units } from "./units.js";

/** Character offsets: the table spans [start, end); its rows begin at `rowsStart`; `header` is its first two lines. */
export type Table = { start: number; rowsStart: number; end: number; header: string };

const DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
// A header or delimiter line longer than this is not a table anyone reads; it bounds the header a chunk repeats.
const MAX_HEADER_CHARS = 2_000;

export function findTables(text: string): Table[] {
  const tables: Table[] = [];
  const lines: Array<{ start: number; end: number }> = [];
  for (let at = 0; at <= text.length; ) {
    const nl = text.indexOf("\n", at);
    const end = nl < 0 ? text.length : nl;
    lines.push({ start: at, end });
    at = end + 1;
  }
  const line = (i: number) => text.slice(lines[i]!.start, lines[i]!.end);
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = line(i);
    const delimiter = line(i + 1);
    if (!head.includes("|") || !delimiter.includes("|") || !DELIMITER.test(delimiter)) continue;
    if (head.length + delimiter.length > MAX_HEADER_CHARS) continue;
    let last = i + 1;
    while (last + 1 < lines.length && line(last + 1).includes("|") && line(last + 1).trim() !== "") last++;
    if (last === i + 1) continue; // a header with no rows has nothing to keep together
    tables.push({
      start: lines[i]!.start,
      rowsStart: lines[i + 2]!.start,
      end: lines[last]!.end,
      header: `${head.trim()}\n${delimiter.trim()}`,
    });
    i = last;
  }
  return tables;
}

/** Inside a table, a cut anywhere but between two rows becomes the last resort (see `chooseEnd`). */
export function keepRowsWhole(text: string, units: Units, tables: readonly Table[]): void {
  let t = 0;
  for (let k = 0; k < units.start.length && t < tables.length; k++) {
    const at = units.start[k]!;
    while (t < tables.length && at >= tables[t]!.end) t++;
    const table = tables[t];
    if (!table || at <= table.start) continue;
    // Between the header and its delimiter line, or inside a row (a sentence end in a cell is no place to cut).
    if (at < table.rowsStart || !startsLine(text, at)) units.strength[k] = CUT.insideWord;
    else units.strength[k] = Math.max(units.strength[k]!, CUT.sentence) as CutStrength;
  }
}

function startsLine(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text[i] === " " || text[i] === "\t")) i--;
  return i < 0 || text[i] === "\n";
}

/** The table whose rows the character at `offset` belongs to (not its header), if any. */
export function tableOfRow(tables: readonly Table[], offset: number): Table | undefined {
  for (const table of tables) {
    if (offset < table.rowsStart) return undefined;
    if (offset < table.end) return table;
  }
  return undefined;
}

/** The table that contains `offset` anywhere past its first character (a cut there would split it), if any. */
export function tableSplitAt(tables: readonly Table[], offset: number): Table | undefined {
  for (const table of tables) {
    if (offset <= table.start) return undefined;
    if (offset < table.end) return table;
  }
  return undefined;
}

/** The index of the first unit at or after character `offset`. */
export function unitAt(units: Units, offset: number): number {
  let lo = 0;
  let hi = units.start.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (units.start[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

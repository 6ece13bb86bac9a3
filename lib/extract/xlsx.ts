/**
 * @module
 * XLSX → one section per worksheet (sectionNumber = the sheet's position in the workbook, 1-based, as Kernel
 * Memory numbers worksheets; `name` = the sheet's name). The first non-empty row is the header, and every later row
 * becomes one `header: value; header: value` line, as CSV does (csv.ts): each line reads as a fact on its own, in a
 * chunk, in an overlap and in a citation's text, whatever the chunker does. Dates are written as dates (the cell's
 * number format says so), other numbers as Excel shows them at full precision, formulas by their cached value.
 */
import { checkLimit, type ExtractLimits } from "./limits.js";
import { attribute, localName, mainPart, openPackage, type Package, relationships } from "./ooxml.js";
import { cleanText } from "./text.js";
import { type Extracted, type ExtractedSection, MIME } from "./types.js";
import { dateFormats, excelDate } from "./xlsx-values.js";

const LABEL = "XLSX";

export async function extractXlsx(
  bytes: Uint8Array,
  fileName: string | undefined,
  limits: ExtractLimits,
): Promise<Extracted> {
  const pkg = await openPackage(bytes, { mimeType: MIME.xlsx, fileName, label: LABEL }, limits, {
    pattern: /^xl\/worksheets\/[^/]+\.xml$/i,
    what: "worksheets",
  });
  const workbook = await mainPart(pkg, /workbook\.xml$/i, "xl/workbook.xml", "the zip has no Excel workbook inside");

  const sheets: Array<{ name: string; id: string | undefined }> = [];
  let date1904 = false;
  pkg.parse(workbook.part, workbook.xml, {
    open(name, a) {
      const local = localName(name);
      if (local === "sheet") sheets.push({ name: a.name ?? `Sheet${sheets.length + 1}`, id: attribute(a, "id") });
      if (local === "workbookPr") date1904 = a.date1904 === "1" || a.date1904 === "true";
    },
  });
  const rels = await relationships(pkg, workbook.part);
  const shared = await sharedStrings(pkg);
  const dates = dateFormats(await pkg.read("xl/styles.xml"), (xml, h) => pkg.parse("xl/styles.xml", xml, h));

  const sections: ExtractedSection[] = [];
  let chars = 0;
  for (const [i, sheet] of sheets.entries()) {
    const part = sheet.id ? rels.get(sheet.id) : undefined;
    const xml = part ? await pkg.read(part) : undefined;
    if (xml === undefined) continue;
    const rows = readRows(pkg, part!, xml, { shared, dates, date1904 });
    const text = cleanText(rowsToLines(rows)).trim();
    chars += text.length;
    checkLimit(limits, "maxChars", chars, `the XLSX holds ${chars}+ characters of text`);
    if (text !== "") sections.push({ text, sectionNumber: i + 1, name: sheet.name.slice(0, 200) });
  }
  return { mimeType: MIME.xlsx, sections };
}

async function sharedStrings(pkg: Package): Promise<string[]> {
  const part = [...pkg.names()].find((n) => /^xl\/sharedStrings\.xml$/i.test(n));
  const xml = part ? await pkg.read(part) : undefined;
  const out: string[] = [];
  if (xml === undefined) return out;
  let current: string[] | undefined;
  let inText = 0;
  let phonetic = 0;
  pkg.parse(part!, xml, {
    open(name) {
      const local = localName(name);
      if (local === "si") current = [];
      else if (local === "rPh") phonetic++;
      else if (local === "t" && phonetic === 0) inText++;
    },
    text(data) {
      if (current && inText > 0) current.push(data);
    },
    close(name) {
      const local = localName(name);
      if (local === "si" && current) {
        out.push(current.join(""));
        current = undefined;
      } else if (local === "rPh") phonetic = Math.max(0, phonetic - 1);
      else if (local === "t") inText = Math.max(0, inText - 1);
    },
  });
  return out;
}

type Cell = { column: number; value: string };
type Context = { shared: string[]; dates: Set<number>; date1904: boolean };

/** The sheet's non-empty rows, each a list of its non-empty cells (sparse: a cell at XFD1048576 costs one cell). */
function readRows(pkg: Package, part: string, xml: string, ctx: Context): Cell[][] {
  const rows: Cell[][] = [];
  let row: Cell[] | undefined;
  let cell: { column: number; type: string; style: number; parts: string[] } | undefined;
  let capture = false;
  let nextColumn = 0;
  pkg.parse(part, xml, {
    open(name, a) {
      const local = localName(name);
      if (local === "row") {
        row = [];
        nextColumn = 0;
      } else if (local === "c" && row) {
        const column = a.r ? columnIndex(a.r) : nextColumn;
        nextColumn = column + 1;
        cell = { column, type: a.t ?? "n", style: Number(a.s ?? 0), parts: [] };
      } else if (cell && (local === "v" || local === "t")) capture = true;
    },
    text(data) {
      if (capture && cell) cell.parts.push(data);
    },
    close(name) {
      const local = localName(name);
      if (local === "v" || local === "t") capture = false;
      else if (local === "c" && cell && row) {
        const value = cellValue(cell.type, cell.parts.join(""), cell.style, ctx).replace(/\s+/g, " ").trim();
        if (value !== "") row.push({ column: cell.column, value });
        cell = undefined;
      } else if (local === "row" && row) {
        if (row.length > 0) rows.push(row);
        row = undefined;
      }
    },
  });
  return rows;
}

function cellValue(type: string, raw: string, style: number, ctx: Context): string {
  switch (type) {
    case "s":
      return ctx.shared[Number(raw)] ?? "";
    case "b":
      return raw === "1" ? "TRUE" : raw === "0" ? "FALSE" : raw;
    case "str":
    case "inlineStr":
    case "e":
      return raw;
    default: {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n)) return raw;
      if (ctx.dates.has(style)) return excelDate(n, ctx.date1904) ?? raw;
      return String(Number(n.toPrecision(15)));
    }
  }
}

/** `header: value; header: value` per row after the first (the header); a cell with no header is named by its column. */
function rowsToLines(rows: Cell[][]): string {
  const [head, ...body] = rows;
  if (!head) return "";
  if (body.length === 0) return head.map((c) => c.value).join("; ");
  const headers = new Map(head.map((c) => [c.column, c.value]));
  return body
    .map((row) => row.map((c) => `${headers.get(c.column) ?? columnName(c.column)}: ${c.value}`).join("; "))
    .join("\n");
}

/** `AB12` → 27 (0-based column). */
function columnIndex(reference: string): number {
  let n = 0;
  for (const ch of reference.toUpperCase()) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return Math.max(0, n - 1);
}

function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return `column ${name}`;
}

/**
 * @module
 * Excel stores a date as a number of days; only the cell's number format says it is a date. This reads which
 * cell styles (`xl/styles.xml` cellXfs) format dates and turns serial numbers into ISO dates, so "2024-03-01"
 * is what gets embedded and matched, not "45352".
 */
import { localName, type XmlHandlers } from "./ooxml.js";

// Built-in number formats that show dates or times (ECMA-376 Part 1, 18.8.30).
const BUILT_IN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** Indexes of the cellXfs styles whose number format is a date or time. */
export function dateFormats(xml: string | undefined, parse: (xml: string, handlers: XmlHandlers) => void): Set<number> {
  const out = new Set<number>();
  if (xml === undefined) return out;
  const custom = new Map<number, string>();
  let inCellXfs = false;
  let xf = 0;
  parse(xml, {
    open(name, a) {
      const local = localName(name);
      if (local === "numFmt") custom.set(Number(a.numFmtId), a.formatCode ?? "");
      else if (local === "cellXfs") inCellXfs = true;
      else if (local === "xf" && inCellXfs) {
        const id = Number(a.numFmtId ?? 0);
        if (BUILT_IN_DATES.has(id) || isDateFormat(custom.get(id))) out.add(xf);
        xf++;
      }
    },
    close(name) {
      if (localName(name) === "cellXfs") inCellXfs = false;
    },
  });
  return out;
}

/** A format code shows a date when, outside quoted text, brackets and escapes, it uses y, m, d, h or s. */
function isDateFormat(code: string | undefined): boolean {
  if (!code) return false;
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, "");
  return /[ymdhs]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

/** An Excel serial day number as `YYYY-MM-DD` (and ` HH:MM[:SS]` when it has a time of day). */
export function excelDate(serial: number, date1904: boolean): string | undefined {
  if (serial < 0 || serial > 2_958_465) return undefined; // past 9999-12-31
  // 25569 = days from 1899-12-30 (Excel's effective epoch, which absorbs its 1900 leap-year bug) to 1970-01-01.
  const days = date1904 ? serial + 1462 : serial;
  const ms = Math.round((days - 25569) * 86_400_000);
  const iso = new Date(ms).toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  if (time === "00:00:00") return date;
  return `${date} ${time.endsWith(":00") ? time.slice(0, 5) : time}`;
}

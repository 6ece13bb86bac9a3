/**
 * XLSX and PPTX extraction from files written by real libraries (exceljs, pptxgenjs): one section per worksheet
 * or slide, numbered as Kernel Memory numbers them, rows as self-describing lines, slides in reading order with
 * their notes; detection by extension, declared type and zip content. Then every hostile shape the issue names
 * fails with a permanent error that names its cap (or reads within the caps), never a crash or a stall.
 */
import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { DEFAULT_LIMITS, detectContentType, extract, MIME } from "../../../lib/extract/index.js";
import {
  bombPart,
  malformedSlide,
  pptxOf,
  sharedStringsXml,
  sheetXml,
  xlsxOf,
  xlsxWholeGrid,
} from "../../helpers/attack-office.js";
import { budgetWorkbook, reviewDeck } from "../../helpers/office-files.js";

describe("XLSX (written by exceljs)", () => {
  it("makes one section per worksheet, numbered and named, with the header on every row line", async () => {
    const out = await extract({ bytes: await budgetWorkbook(), fileName: "budget.xlsx" });
    expect(out.mimeType).toBe(MIME.xlsx);
    expect(out.sections.map((s) => [s.sectionNumber, s.name])).toEqual([
      [1, "Summary"],
      [2, "Budget"],
    ]);
    expect(out.sections[1]!.text.split("\n")).toEqual([
      "Item: Lighthouse lamp oil; Cost: 1200; Due: 2024-03-01",
      "Item: Foghorn repair; Cost: 0.3; Due: 2024-03-05 13:30",
      "Item: Keeper's cottage roof; Cost: 1200.3",
    ]);
  });

  it("is detected by extension, by declared type and by its zip content alone", async () => {
    const bytes = await budgetWorkbook();
    expect(detectContentType({ bytes, fileName: "b.xlsx" })).toBe(MIME.xlsx);
    expect(detectContentType({ bytes, contentType: MIME.xlsx })).toBe(MIME.xlsx);
    expect(detectContentType({ bytes, fileName: "file0" })).toBe(MIME.xlsx);
  });
});

describe("PPTX (written by pptxgenjs)", () => {
  it("makes one section per slide in reading order, with the speaker notes and tables row by row", async () => {
    const out = await extract({ bytes: await reviewDeck(), fileName: "review.pptx" });
    expect(out.mimeType).toBe(MIME.pptx);
    expect(out.sections.map((s) => s.sectionNumber)).toEqual([1, 2, 3]);
    expect(out.sections[1]!.text).toBe(
      "Tidal schedules moved to the new almanac\n\nSecond point, lower on the slide\n\nNotes:\nMention that the pilot boats need new radios.",
    );
    expect(out.sections[2]!.text).toBe("Berth | Vessel\nNorth quay | Saint Brendan");
  });

  it("is detected by its zip content when the name says nothing", async () => {
    expect(detectContentType({ bytes: await reviewDeck(), fileName: "file1" })).toBe(MIME.pptx);
  });
});

/** The error a hostile file must end in: permanent, and naming `pattern`. */
async function failsWith(bytes: Uint8Array, fileName: string, pattern: RegExp, limits = DEFAULT_LIMITS) {
  const error = await extract({ bytes, fileName }, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).permanent).toBe(true);
  expect((error as AppError).kind).toBe("unprocessable");
  expect((error as Error).message).toMatch(pattern);
}

describe("hostile office files", () => {
  it("a worksheet that inflates to 400 MB stops at MAX_DECOMPRESSED_BYTES", async () => {
    await failsWith(xlsxOf(bombPart(400 * 1024 * 1024)), "bomb.xlsx", /MAX_DECOMPRESSED_BYTES/);
  });

  it("a slide that inflates to 400 MB stops at MAX_DECOMPRESSED_BYTES", async () => {
    await failsWith(pptxOf(1, bombPart(400 * 1024 * 1024)), "bomb.pptx", /MAX_DECOMPRESSED_BYTES/);
  });

  it("a deck of 50,000 slides stops at MAX_PDF_PAGES before any slide inflates", async () => {
    await failsWith(pptxOf(50_000), "many.pptx", /50000 slides; the limit is 2000 \(MAX_PDF_PAGES\)/);
  });

  it("a shared-strings table of 2,000,000 entries stops at MAX_XML_ELEMENTS", async () => {
    const bytes = xlsxOf(sheetXml('<c r="A1" t="s"><v>0</v></c>'), sharedStringsXml(2_000_000));
    expect(bytes.length).toBeLessThan(200_000);
    await failsWith(bytes, "strings.xlsx", /MAX_XML_ELEMENTS/);
  });

  it("a sheet claiming the whole grid costs only its cells", async () => {
    const out = await extract({ bytes: xlsxWholeGrid(), fileName: "grid.xlsx" });
    expect(out.sections).toEqual([{ text: "corner; far away", sectionNumber: 1, name: "Data" }]);
  });

  it("malformed XML, a zip without a workbook and bytes that are no zip fail as unreadable files", async () => {
    await failsWith(pptxOf(1, malformedSlide), "broken.pptx", /malformed \(ppt\/slides\/slide1\.xml\)/);
    await failsWith(xlsxOf(sheetXml("<c><v>1</v>")), "broken.xlsx", /malformed/);
    await failsWith(pptxOf(0).slice(0, 40), "truncated.pptx", /not a valid PPTX/);
    await failsWith(new TextEncoder().encode("not a spreadsheet"), "fake.xlsx", /not a valid XLSX/);
  });

  it("nesting past MAX_NESTING_DEPTH fails the file", async () => {
    const deep = `${"<x>".repeat(600)}${"</x>".repeat(600)}`;
    await failsWith(xlsxOf(sheetXml(deep)), "deep.xlsx", /MAX_NESTING_DEPTH/);
  });
});

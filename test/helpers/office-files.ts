/**
 * @module
 * Office files written by real libraries at test time (exceljs, pptxgenjs), so the extractors are tested against
 * what real writers produce, not against bytes shaped by hand.
 */
import ExcelJS from "exceljs";
import PptxGenJS from "pptxgenjs";

/** Two worksheets: "Summary", then "Budget" (numbers, a float sum, dates with and without a time, a formula). */
export async function budgetWorkbook(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const summary = wb.addWorksheet("Summary");
  summary.addRow(["Quarter", "Owner"]);
  summary.addRow(["Q1", "Marguerite Okonkwo"]);
  const budget = wb.addWorksheet("Budget");
  budget.addRow(["Item", "Cost", "Due"]);
  budget.addRow(["Lighthouse lamp oil", 1200, new Date(Date.UTC(2024, 2, 1))]);
  budget.addRow(["Foghorn repair", 0.1 + 0.2, new Date(Date.UTC(2024, 2, 5, 13, 30))]);
  budget.addRow(["Keeper's cottage roof", { formula: "SUM(B2:B3)", result: 1200.3 }]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Three slides: a title; two text boxes listed bottom first, with notes; a table. */
export async function reviewDeck(): Promise<Uint8Array> {
  const deck = new PptxGenJS();
  deck.addSlide().addText("Harbour master's annual review", { x: 1, y: 1, w: 8, h: 1 });
  const second = deck.addSlide();
  second.addText("Second point, lower on the slide", { x: 1, y: 4, w: 8, h: 1 });
  second.addText("Tidal schedules moved to the new almanac", { x: 1, y: 0.5, w: 8, h: 1 });
  second.addNotes("Mention that the pilot boats need new radios.");
  deck.addSlide().addTable(
    [
      [{ text: "Berth" }, { text: "Vessel" }],
      [{ text: "North quay" }, { text: "Saint Brendan" }],
    ],
    { x: 1, y: 1 },
  );
  return (await deck.write({ outputType: "uint8array" })) as Uint8Array;
}

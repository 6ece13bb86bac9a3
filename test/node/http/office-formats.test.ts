/**
 * XLSX and PPTX written by real libraries (exceljs, pptxgenjs), uploaded the way Kernel Memory's .NET client
 * uploads (file parts with no Content-Type) to the real Node server on PostgreSQL, then found by search: the
 * citation locates the text — `sectionNumber` is the worksheet or slide (KM's numbering), `sourceContentType`
 * says which, and a worksheet's name comes as the system tag `__sect_name`, which filters like KM's own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIME } from "../../../lib/extract/index.js";
import type { Citation } from "../../../lib/memory/types.js";
import { type ApiServer, startApiServer, uploadKm, waitForIngestion } from "../../helpers/api.js";
import { budgetWorkbook, reviewDeck } from "../../helpers/office-files.js";

let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer();
  const files = [
    { documentId: "budget", name: "budget.xlsx", bytes: await budgetWorkbook() },
    { documentId: "review", name: "review.pptx", bytes: await reviewDeck() },
  ];
  for (const { documentId, name, bytes } of files) {
    const res = await uploadKm(api, { index: "office", documentId, files: [{ name, bytes }] });
    expect(res.status, await res.clone().text()).toBe(202);
  }
  for (const { documentId } of files) {
    expect(await waitForIngestion(api, "office", documentId)).toMatchObject({ completed: true, empty: false });
  }
});

afterAll(async () => {
  await api?.close();
});

async function search(query: string, filters?: unknown[]): Promise<Citation[]> {
  const res = await api.postJson("/search", { index: "office", query, limit: 5, ...(filters ? { filters } : {}) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Citation[] }).results;
}

describe("office files through the API", () => {
  it("finds a spreadsheet row, cited by worksheet number and name", async () => {
    const [top] = await search("foghorn repair cost");
    expect(top).toMatchObject({ documentId: "budget", sourceName: "budget.xlsx", sourceContentType: MIME.xlsx });
    const partition = top!.partitions[0]!;
    expect(partition.text).toContain("Item: Foghorn repair; Cost: 0.3; Due: 2024-03-05 13:30");
    expect(partition.sectionNumber).toBe(2);
    expect(partition.tags.__sect_n).toEqual(["2"]);
    expect(partition.tags.__sect_name).toEqual(["Budget"]);
  });

  it("filters by worksheet name like by any system tag", async () => {
    const hits = await search("Marguerite Okonkwo foghorn", [{ __sect_name: ["Summary"] }]);
    expect(hits.flatMap((c) => c.partitions.map((p) => p.sectionNumber))).toEqual([1]);
  });

  it("finds a slide by its speaker notes, cited by slide number", async () => {
    const [top] = await search("pilot boats need new radios");
    expect(top).toMatchObject({ documentId: "review", sourceContentType: MIME.pptx });
    expect(top!.partitions[0]!.sectionNumber).toBe(2);
    expect(top!.partitions[0]!.text).toContain("Tidal schedules moved to the new almanac");
    expect(top!.partitions[0]!.tags.__sect_name).toBeUndefined();
  });

  it("finds a slide's table row", async () => {
    const [top] = await search("Saint Brendan berth");
    expect(top?.documentId).toBe("review");
    expect(top!.partitions[0]!.sectionNumber).toBe(3);
  });
});

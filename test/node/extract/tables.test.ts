/**
 * Tables survive extraction as Markdown pipe tables — from HTML and from DOCX (mammoth's HTML) — so the
 * partitioner can keep them whole and repeat their header (test/node/partition/tables.test.ts); a table longer
 * than a chunk, end to end from HTML, is cut between rows with its header in every chunk.
 */
import { describe, expect, it } from "vitest";
import { extract } from "../../../lib/extract/index.js";
import { partition } from "../../../lib/partition/index.js";
import { buildDocx } from "../../fixtures/docx.js";

const html = (rows: string[][]) =>
  `<html><body><p>Berths this week.</p><table><tr><th>Vessel</th><th>Berth</th></tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
    .join("")}</table><p>Fair winds.</p></body></html>`;

describe("tables from HTML and DOCX", () => {
  it("HTML: header, delimiter, one line per row; a pipe inside a cell is escaped", async () => {
    const out = await extract({
      bytes: new TextEncoder().encode(html([["Saint <b>Brendan</b>", "North | quay"]])),
      fileName: "a.html",
    });
    expect(out.sections[0]!.text).toBe(
      "Berths this week.\n\n| Vessel | Berth |\n| --- | --- |\n| Saint Brendan | North \\| quay |\n\nFair winds.",
    );
  });

  it("DOCX: a Word table comes out as the same Markdown table, between its paragraphs", async () => {
    const bytes = await buildDocx([
      "Berths this week.",
      {
        table: [
          ["Vessel", "Berth"],
          ["Saint Brendan", "North quay"],
          ["Mary Rose", "South quay"],
        ],
      },
      "Fair winds.",
    ]);
    const out = await extract({ bytes, fileName: "berths.docx" });
    expect(out.sections[0]!.text).toBe(
      "Berths this week.\n\n| Vessel | Berth |\n| --- | --- |\n| Saint Brendan | North quay |\n| Mary Rose | South quay |\n\nFair winds.",
    );
  });

  it("a long HTML table is chunked between rows, each chunk under its header", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`Vessel number ${i}. Registered at Cork`, `Quay ${i}`]);
    const out = await extract({ bytes: new TextEncoder().encode(html(rows)), fileName: "long.html" });
    const chunks = partition(out.sections, { maxTokensPerChunk: 150, overlapTokens: 15 });
    const tableChunks = chunks.filter((c) => c.text.includes("| Vessel number"));
    expect(tableChunks.length).toBeGreaterThan(5);
    for (const chunk of tableChunks) {
      expect(chunk.text).toContain("| Vessel | Berth |\n| --- | --- |");
      for (const line of chunk.text.split("\n").filter((l) => l.startsWith("| Vessel number"))) {
        expect(line).toMatch(/^\| Vessel number \d+\. Registered at Cork \| Quay \d+ \|$/);
      }
    }
  });
});

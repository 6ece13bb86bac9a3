/**
 * `MAX_XML_ELEMENTS`: mammoth builds an object tree of a DOCX's whole XML, several hundred bytes per element, so
 * dense markup costs ~100× its bytes (BENCHMARKS.md, workers-memory) and a byte cap alone cannot bound it. The
 * elements are counted while the parts inflate, before mammoth sees them; text-heavy documents stay well under.
 */
import { describe, expect, it } from "vitest";
import { checkZipParts } from "../../../lib/extract/compressed-parts.js";
import { extract } from "../../../lib/extract/index.js";
import { DEFAULT_LIMITS, limitsFromConfig } from "../../../lib/extract/limits.js";
import { docxWithText } from "../../helpers/attack-files.js";

const limits = { ...DEFAULT_LIMITS, maxXmlElements: 10_000 };

describe("XML element cap (DOCX)", () => {
  it("refuses 5,000 empty paragraphs (30,000 tags) under a 10,000 cap, naming the variable", async () => {
    const dense = await docxWithText("", 5_000);
    await expect(checkZipParts(dense, limits)).rejects.toThrow(/elements; the limit is 10000 \(MAX_XML_ELEMENTS\)/);
    await expect(extract({ bytes: dense, fileName: "dense.docx" }, limits)).rejects.toThrow(/MAX_XML_ELEMENTS/);
  });

  it("lets a text-heavy document of the same size through, and extracts it", async () => {
    const prose = await docxWithText("Tides and trade in the harbour report. ".repeat(40), 500);
    await expect(checkZipParts(prose, limits)).resolves.toBeUndefined();
    const extracted = await extract({ bytes: prose, fileName: "prose.docx" }, limits);
    expect(extracted.sections.map((s) => s.text).join("\n")).toContain("harbour report");
  });

  it("is read from MAX_XML_ELEMENTS, 1,000,000 by default", () => {
    expect(limitsFromConfig({}).maxXmlElements).toBe(1_000_000);
    expect(limitsFromConfig({ MAX_XML_ELEMENTS: 100_000 }).maxXmlElements).toBe(100_000);
  });
});

/**
 * How a citation reads on a terminal: where the file has pages, slides or worksheets, the best passage's place
 * follows the file name ("p. 12", "slide 3", "sheet Budget"), read from the citation's content type, its
 * `sectionNumber` and the worksheet's `__sect_name` tag.
 */
import { describe, expect, it } from "vitest";
import { MIME } from "../../../lib/extract/index.js";
import type { Citation } from "../../../lib/memory/types.js";
import { formatCitations } from "../../../scripts/cli/format.js";

function citation(sourceContentType: string, sectionNumber: number, tags: Record<string, string[]> = {}): Citation {
  return {
    link: "i/d/f",
    index: "i",
    documentId: "d",
    fileId: "f",
    sourceContentType,
    sourceName: "file",
    sourceUrl: null,
    partitions: [
      { text: "weak", relevance: 0.1, partitionNumber: 0, sectionNumber: 1, lastUpdate: "", tags: {} },
      { text: "best", relevance: 0.9, partitionNumber: 4, sectionNumber, lastUpdate: "", tags },
    ],
  } as Citation;
}

describe("formatCitations", () => {
  it("names the page, slide or worksheet of the best passage", () => {
    const heads = [
      citation(MIME.pdf, 12),
      citation(MIME.pptx, 3),
      citation(MIME.xlsx, 2, { __sect_name: ["Budget"] }),
      citation(MIME.xlsx, 2),
      citation(MIME.markdown, 1),
    ].map((c) => formatCitations([c], false)[0]);
    expect(heads).toEqual([
      "1. file, p. 12  [d, index i]  relevance 0.90",
      "1. file, slide 3  [d, index i]  relevance 0.90",
      "1. file, sheet Budget  [d, index i]  relevance 0.90",
      "1. file, sheet 2  [d, index i]  relevance 0.90",
      "1. file  [d, index i]  relevance 0.90",
    ]);
  });
});

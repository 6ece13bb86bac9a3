/**
 * Tables stay whole (issue #23): a Markdown table — as Markdown files hold them and as the HTML and DOCX extractors
 * write them — is never cut inside a row; one that fits a chunk goes whole into a chunk rather than being split
 * after a short paragraph; a table longer than a chunk is cut between rows and every chunk repeats its header.
 */
import { describe, expect, it } from "vitest";
import { partition } from "../../../lib/partition/index.js";

const HEADER = "| Vessel | Berth | Arrival | Cargo |\n| --- | --- | :---: | --- |";
const row = (i: number) =>
  `| Vessel ${i}. A schooner | Quay ${i % 7} | day ${i} | salt. Then timber, rope and ${i} barrels of oil |`;
const table = (rows: number) => `${HEADER}\n${Array.from({ length: rows }, (_, i) => row(i)).join("\n")}`;
const options = { maxTokensPerChunk: 200, overlapTokens: 20 };

describe("tables in chunks", () => {
  it("cuts a long table only between rows and repeats its header in every chunk", () => {
    const rows = 120;
    const chunks = partition([{ text: `Harbour log.\n\n${table(rows)}\n\nEnd of log.`, sectionNumber: 1 }], options);
    expect(chunks.length).toBeGreaterThan(5);
    const seen = new Set<string>();
    for (const chunk of chunks.filter((c) => /\| Vessel \d/.test(c.text))) {
      expect(chunk.text, chunk.text).toContain(HEADER);
      expect(chunk.tokenCount).toBeLessThanOrEqual(200);
      for (const line of chunk.text.split("\n").filter((l) => /^\| Vessel \d/.test(l))) {
        expect(line).toMatch(
          /^\| Vessel \d+\. A schooner \| Quay \d \| day \d+ \| salt\. Then timber, rope and \d+ barrels of oil \|$/,
        );
        seen.add(line);
      }
    }
    // Every row is in some chunk, whole.
    expect(seen.size).toBe(rows);
  });

  it("moves a table that fits a chunk whole into the next chunk instead of splitting it", () => {
    const intro = "The harbour master keeps a careful record of arrivals. ".repeat(8).trim();
    const chunks = partition(
      [{ text: `${intro}\n\n${table(4)}\n\nAfterwards the tide turned.`, sectionNumber: 1 }],
      options,
    );
    const holding = chunks.filter((c) => c.text.includes("| Vessel 0."));
    expect(holding.length).toBeGreaterThan(0);
    expect(holding.some((c) => c.text.includes(table(4)))).toBe(true);
  });

  it("leaves text without tables exactly as before (pipes in prose are not a table)", () => {
    const prose = "a | b is a pipe.\nNo delimiter follows.\n\nAnother paragraph.";
    expect(partition([{ text: prose, sectionNumber: 1 }], options).map((c) => c.text)).toEqual([prose]);
  });
});

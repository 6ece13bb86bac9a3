/** @module How citations read on a terminal, shared by `search` and `ask`. */
import type { Citation } from "./client.js";

const SNIPPET_CHARS = 240;

/**
 * `1. guide.md  [notes_guide.md, index notes]  relevance 0.82` plus the best passage, shortened; where the file
 * has pages, slides or worksheets, the best passage's place follows the name: `1. report.pdf, p. 12  […]`.
 */
export function formatCitations(citations: Citation[], withPassages: boolean): string[] {
  return citations.flatMap((citation, i) => {
    const best = citation.partitions.reduce<Citation["partitions"][number] | undefined>(
      (top, p) => (top === undefined || p.relevance > top.relevance ? p : top),
      undefined,
    );
    const relevance = best ? `  relevance ${best.relevance.toFixed(2)}` : "";
    const source = citation.sourceUrl ?? citation.sourceName;
    const place = best ? locate(citation.sourceContentType, best) : "";
    const head = `${i + 1}. ${source}${place ? `, ${place}` : ""}  [${citation.documentId}, index ${citation.index}]${relevance}`;
    if (!withPassages || !best) return [head];
    return [head, `   ${snippet(best.text)}`];
  });
}

const PLACES: Record<string, (p: Citation["partitions"][number]) => string> = {
  "application/pdf": (p) => `p. ${p.sectionNumber}`,
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": (p) => `slide ${p.sectionNumber}`,
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (p) =>
    `sheet ${p.tags?.__sect_name?.[0] ?? p.sectionNumber}`,
};

/** Where a passage is in its file ("p. 12", "slide 3", "sheet Budget"); empty for files without such places. */
export function locate(contentType: string | undefined, partition: Citation["partitions"][number]): string {
  const place = contentType ? PLACES[contentType] : undefined;
  return place && partition.sectionNumber > 0 ? place(partition) : "";
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= SNIPPET_CHARS ? flat : `${flat.slice(0, SNIPPET_CHARS - 1)}…`;
}

/** `--filter` pairs as one Kernel Memory filter: every tag must match. */
export function filtersFrom(tags: Record<string, string[]>): Array<Record<string, string[]>> {
  return Object.keys(tags).length === 0 ? [] : [tags];
}

/** @module How citations read on a terminal, shared by `search` and `ask`. */
import type { Citation } from "./client.js";

const SNIPPET_CHARS = 240;

/** `1. guide.md  [notes_guide.md, index notes]  relevance 0.82` plus the best passage, shortened. */
export function formatCitations(citations: Citation[], withPassages: boolean): string[] {
  return citations.flatMap((citation, i) => {
    const best = citation.partitions.reduce<Citation["partitions"][number] | undefined>(
      (top, p) => (top === undefined || p.relevance > top.relevance ? p : top),
      undefined,
    );
    const relevance = best ? `  relevance ${best.relevance.toFixed(2)}` : "";
    const source = citation.sourceUrl ?? citation.sourceName;
    const head = `${i + 1}. ${source}  [${citation.documentId}, index ${citation.index}]${relevance}`;
    if (!withPassages || !best) return [head];
    return [head, `   ${snippet(best.text)}`];
  });
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= SNIPPET_CHARS ? flat : `${flat.slice(0, SNIPPET_CHARS - 1)}…`;
}

/** `--filter` pairs as one Kernel Memory filter: every tag must match. */
export function filtersFrom(tags: Record<string, string[]>): Array<Record<string, string[]>> {
  return Object.keys(tags).length === 0 ? [] : [tags];
}

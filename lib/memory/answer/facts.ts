/**
 * @module
 * Choosing the facts an answer is built from: every retrieved partition, most relevant first,
 * rendered with Kernel Memory's fact template and kept while it fits a token budget. The
 * partitions kept are the answer's sources; the rest were retrieved but never used, so they are
 * not cited.
 *
 * @example
 * const packed = packFacts(search.results, { budget: 4000, template: DEFAULT_FACT_TEMPLATE, includeDuplicates: false });
 * sourcesOf(packed.facts) // Citation[] with only the partitions used
 */
import type { Citation, Partition, TokenCounter } from "../types.js";

export type Fact = {
  citation: Citation;
  partition: Partition;
  /** The partition text, trimmed (KM trims it too). */
  content: string;
  /** The fact as the model sees it (template applied); empty when it is a duplicate kept out of the prompt. */
  rendered: string;
  tokens: number;
};

export type PackedFacts = {
  /** Used facts, most relevant first. */
  facts: Fact[];
  /** Partitions with text that search returned, used or not. */
  available: number;
  /** The rendered facts, ready for the prompt. */
  text: string;
};

export type PackOptions = {
  /** Tokens the rendered facts may take together. */
  budget: number;
  template: string;
  includeDuplicates: boolean;
  /** cl100k token count (the context's `tokenCounter()`). */
  count: TokenCounter;
};

/**
 * Packs partitions by relevance into `budget` tokens. Unlike Kernel Memory, which stops at the
 * first fact that does not fit, a fact too large is skipped and smaller, less relevant ones may
 * still fill the room left: chunk sizes vary (a document's last chunk is short), and an empty
 * half of the budget helps nobody.
 */
export function packFacts(results: readonly Citation[], opts: PackOptions): PackedFacts {
  const candidates: Array<{ citation: Citation; partition: Partition; content: string; order: number }> = [];
  for (const citation of results) {
    for (const partition of citation.partitions) {
      const content = partition.text.trim();
      if (content) candidates.push({ citation, partition, content, order: candidates.length });
    }
  }
  // Search orders citations by their best partition; a citation's weaker partitions must not ride along ahead
  // of another citation's stronger one. Ties keep search's order.
  candidates.sort((a, b) => b.partition.relevance - a.partition.relevance || a.order - b.order);

  const template = opts.template.endsWith("\n") ? opts.template : `${opts.template}\n`;
  const seen = new Set<string>();
  const facts: Fact[] = [];
  let remaining = opts.budget;
  for (const { citation, partition, content } of candidates) {
    const key = content.toLowerCase();
    if (seen.has(key) && !opts.includeDuplicates) {
      // KM's rule: a duplicate of a fact already in the prompt stays cited (its tags may differ) but costs nothing.
      facts.push({ citation, partition, content, rendered: "", tokens: 0 });
      continue;
    }
    const rendered = renderFact(template, citation, partition, content);
    const tokens = opts.count(rendered);
    if (tokens > remaining) continue;
    seen.add(key);
    remaining -= tokens;
    facts.push({ citation, partition, content, rendered, tokens });
  }
  return { facts, available: candidates.length, text: facts.map((f) => f.rendered).join("") };
}

/**
 * The citations behind `facts`, each once, in the order they first appear, each carrying only the
 * partitions those facts came from.
 */
export function sourcesOf(facts: readonly Fact[]): Citation[] {
  const byCitation = new Map<Citation, Partition[]>();
  for (const fact of facts) {
    const partitions = byCitation.get(fact.citation) ?? [];
    if (!partitions.includes(fact.partition)) partitions.push(fact.partition);
    byCitation.set(fact.citation, partitions);
  }
  return [...byCitation].map(([citation, partitions]) => ({ ...citation, partitions }));
}

/** How a fact names its source: the file name, or the page address for imported web pages (as KM does). */
export function sourceLabel(citation: Citation): string {
  return citation.sourceName === "content.url" && citation.sourceUrl ? citation.sourceUrl : citation.sourceName;
}

// One pass over the template, so placeholders that appear inside a document's own text stay text.
const PLACEHOLDER = /\{\{\$(source|relevance|memoryId|content|tags\[([^\]]*)\]|meta\[([^\]]*)\])\}\}/g;

/** KM's fact placeholders: `{{$source}}`, `{{$relevance}}` (as "87.5%"), `{{$memoryId}}`, `{{$content}}`, `{{$tags[name]}}`. */
export function renderFact(template: string, citation: Citation, partition: Partition, content: string): string {
  return template.replace(PLACEHOLDER, (_, name: string, tag: string | undefined) => {
    if (name === "source") return sourceLabel(citation);
    if (name === "relevance") return `${(partition.relevance * 100).toFixed(1)}%`;
    if (name === "memoryId") return `${citation.link}/${partition.partitionNumber}`;
    if (name === "content") return content;
    if (tag !== undefined) {
      const values = partition.tags[tag] ?? [];
      if (values.length === 0) return "-";
      return values.length === 1 ? values[0]! : `[${values.join(", ")}]`;
    }
    // Record metadata (`{{$meta[…]}}`) is not kept per partition here; KM also renders a missing value as "-".
    return "-";
  });
}

/**
 * @module
 * Page furniture: the parts of a page that are there on every page of a site or book rather than to say
 * something — navigation, headers and footers, sidebars, "Prev Up Home Next" link bars, tables of contents,
 * PDF contents pages with dot leaders, Markdown contents link lists. Left in, they become chunks that match
 * every query about the site ("Chapter 11. Indexes … Next") and get quoted as answers. Two passes:
 * - HTML, while parsing: `createFurnitureFilter` skips furniture elements by tag, ARIA role and class/id;
 * - every extracted text, after extraction: `stripFurnitureLines` drops link bars, dot-leader contents
 *   lines and contents link lists.
 * And for text already stored, `furnitureWeight` lets extractive answers rank such lines below sentences.
 *
 * @example
 * stripFurnitureLines("Prev  Up  Chapter 11. Indexes  Home  Next\nAn index speeds up lookups.")
 * // "An index speeds up lookups."
 */

/** Always navigation or asides, wherever they are. */
const FURNITURE_TAGS = new Set(["nav", "aside"]);
/** A page's banner and footer — but an article's own <header> holds its title and byline: kept. */
const PAGE_FRAME_TAGS = new Set(["header", "footer"]);
const CONTENT_TAGS = new Set(["article", "main"]);
const FURNITURE_ROLES = new Set(["navigation", "banner", "contentinfo", "complementary", "search", "menubar"]);
/** Class and id words of furniture in common generators (DocBook/PostgreSQL docs, Sphinx, MkDocs, Javadoc, WordPress). */
const FURNITURE_NAMES =
  /(?:^|[\s_-])(?:nav|navbar|navheader|navfooter|navigation|breadcrumbs?|sidebar|sphinxsidebar|related|toc|tocs|table-of-contents|skip-?link|site-header|site-footer|footer|header-nav|menu|pager|pagination)(?:$|[\s_-])/i;

export type FurnitureFilter = {
  /** Call for every opening tag; true while inside furniture (this element included). */
  open(name: string, attributes: Record<string, string>): boolean;
  /** Call for every closing tag; true when the tag belonged to skipped furniture. */
  close(name: string): boolean;
  readonly skipping: boolean;
};

export function createFurnitureFilter(): FurnitureFilter {
  let contentDepth = 0;
  // The furniture element being skipped and how deep its own tag name is nested inside it.
  let skipped: { name: string; depth: number } | undefined;
  return {
    get skipping() {
      return skipped !== undefined;
    },
    open(name, attributes) {
      if (skipped) {
        if (name === skipped.name) skipped.depth++;
        return true;
      }
      if (isFurniture(name, attributes, contentDepth > 0)) {
        skipped = { name, depth: 1 };
        return true;
      }
      if (CONTENT_TAGS.has(name)) contentDepth++;
      return false;
    },
    close(name) {
      if (skipped) {
        if (name === skipped.name && --skipped.depth === 0) skipped = undefined;
        return true;
      }
      if (CONTENT_TAGS.has(name)) contentDepth = Math.max(0, contentDepth - 1);
      return false;
    },
  };
}

function isFurniture(name: string, attributes: Record<string, string>, inContent: boolean): boolean {
  if (FURNITURE_TAGS.has(name)) return true;
  if (PAGE_FRAME_TAGS.has(name) && !inContent) return true;
  if (FURNITURE_ROLES.has((attributes.role ?? "").toLowerCase())) return true;
  // Body and main containers sometimes carry "has-sidebar"-like classes: never drop the whole page.
  if (name === "body" || name === "html" || CONTENT_TAGS.has(name)) return false;
  return FURNITURE_NAMES.test(attributes.class ?? "") || FURNITURE_NAMES.test(attributes.id ?? "");
}

const NAV_WORDS = new Set(["prev", "previous", "next", "up", "home", "top", "contents", "index", "back", "forward"]);
/** "Introduction ........ 3", "2.1 Setup . . . . . 14", "Indexes…………12" (a number, or roman numerals, at the end). */
const DOT_LEADER = /\S.*?(?:\s?[.·…]){4,}\s*(?:\d+|[ivxlc]+)\s*$/i;
const CONTENTS_HEADING =
  /^\s*(?:#{1,6}\s*)?(?:table of contents|contents|on this page|in this (?:article|page)|toc)\s*:?\s*$/i;
/** A list item that is nothing but one link: "- [Install](#install)", "1. [API](api.md)". */
const LINK_ITEM = /^\s*(?:[-*+]|\d{1,3}[.)])\s+\[[^\]]+\]\([^)\s]+\)\s*$/;

/** A line that is a link bar: mostly navigation words, short, not a sentence. */
export function isLinkBar(line: string): boolean {
  const words = line.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0 || words.length > 16 || /[.!?:;]\s*$/.test(line.trim())) return false;
  const nav = words.filter((w) => NAV_WORDS.has(w)).length;
  return nav >= 3 || (nav >= 2 && nav / words.length >= 0.4);
}

export function isDotLeaderLine(line: string): boolean {
  return DOT_LEADER.test(line) && line.length <= 200;
}

/** Drops link bars, dot-leader contents lines and Markdown contents link lists (with their heading). */
/** Furniture lines (link bars, contents entries, headings) are short; longer ones are never tested by a pattern. */
const MAX_FURNITURE_LINE = 400;

export function stripFurnitureLines(text: string): string {
  // Lines too long to be furniture are masked as blank for the patterns (their backtracking is super-linear on
  // adversarial lines such as 150,000 `#`), and kept as they are.
  const original = text.split("\n");
  const lines = original.map((l) => (l.length > MAX_FURNITURE_LINE ? "" : l));
  const drop = new Array<boolean>(lines.length).fill(false);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isLinkBar(line) || isDotLeaderLine(line)) drop[i] = true;
  }
  // Runs of three or more link-only list items: a contents list (in-page anchors) or one under a contents heading.
  for (let i = 0; i < lines.length; ) {
    let end = i;
    while (end < lines.length && LINK_ITEM.test(lines[end]!)) end++;
    if (end - i >= 3) {
      const run = lines.slice(i, end);
      const anchors = run.filter((l) => /\]\(#/.test(l)).length;
      const heading = previousText(lines, i);
      const underContents = heading !== undefined && CONTENTS_HEADING.test(lines[heading]!);
      if (anchors * 2 >= run.length || underContents) {
        for (let j = i; j < end; j++) drop[j] = true;
        if (underContents) drop[heading!] = true;
      }
    }
    i = Math.max(end, i + 1);
  }
  // A contents heading whose entries were all dropped (dot leaders) goes too.
  for (let i = 0; i < lines.length; i++) {
    if (!drop[i] && CONTENTS_HEADING.test(lines[i]!)) {
      const next = nextText(lines, i);
      if (next !== undefined && drop[next]) drop[i] = true;
    }
  }
  if (!drop.includes(true)) return text;
  return original
    .filter((_, i) => !drop[i])
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * How much a sentence should count as an answer: 1 for prose, less for furniture that survived into stored
 * chunks (link bars, contents lines, link lists, lines that are mostly links or URLs).
 */
export function furnitureWeight(sentence: string): number {
  if (sentence.length > MAX_FURNITURE_LINE) return 1;
  if (isLinkBar(sentence) || isDotLeaderLine(sentence) || CONTENTS_HEADING.test(sentence)) return 0.1;
  const links = (sentence.match(/\]\([^)]*\)|https?:\/\/\S+/g) ?? []).length;
  if (links >= 3 || (links >= 1 && sentence.replace(/\[[^\]]*\]\([^)]*\)|https?:\/\/\S+/g, "").trim().length < 20)) {
    return 0.2;
  }
  // "Chapter 11. Indexes" / "11.2. Index Types" — a heading or contents entry, not a statement.
  if (/^(?:chapter|section|part|appendix)?\s*[\dIVXivx]+(?:\.\d+)*\.?\s+[\p{Lu}][^.!?]{0,80}$/u.test(sentence.trim())) {
    return 0.3;
  }
  return 1;
}

function previousText(lines: string[], from: number): number | undefined {
  for (let i = from - 1; i >= 0; i--) if (lines[i]!.trim() !== "") return i;
  return undefined;
}

function nextText(lines: string[], from: number): number | undefined {
  for (let i = from + 1; i < lines.length; i++) if (lines[i]!.trim() !== "") return i;
  return undefined;
}

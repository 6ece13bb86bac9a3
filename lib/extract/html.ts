/**
 * @module
 * HTML → readable text. Only what a reader sees is kept: code, styling and document metadata would pollute
 * embeddings and search hits, while block structure survives as line breaks so chunking can split on paragraphs.
 * Page furniture (navigation, page header and footer, sidebars, tables of contents) is skipped: see furniture.ts.
 */

import { Parser } from "htmlparser2";
import { createFurnitureFilter } from "./furniture.js";
import { checkLimit, DEFAULT_LIMITS, type ExtractLimits } from "./limits.js";
import { cleanText } from "./text.js";

// Elements whose content is never readable text.
const SKIPPED = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "math",
  "head",
  "iframe",
  "object",
  "canvas",
]);

// Paragraph-like blocks end with a blank line so the partitioner treats them as paragraphs.
const PARAGRAPH_BLOCKS = new Set([
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "table",
  "ul",
  "ol",
  "dl",
  "pre",
  "blockquote",
  "section",
  "article",
  "header",
  "footer",
  "nav",
  "aside",
  "main",
  "figure",
  "form",
  "fieldset",
  "details",
  "address",
  "hr",
]);
const LINE_BLOCKS = new Set([
  "br",
  "div",
  "li",
  "tr",
  "dt",
  "dd",
  "caption",
  "figcaption",
  "summary",
  "legend",
  "option",
  "body",
  "html",
]);
const CELLS = new Set(["td", "th"]);

// Breaks are recorded as markers and resolved at the end, so </li><li> gives one line break, not a blank line.
const LINE_BREAK = "\uE000";
const PARAGRAPH_BREAK = "\uE001";
// Tables come out as Markdown pipe tables (the partitioner keeps those whole): a cell starts with CELL, and the
// first row of each table is followed by a line holding only DELIMITER, which becomes `| --- | --- |`.
const CELL = "\uE002";
const DELIMITER = "\uE003";

/**
 * @throws LimitExceeded when elements nest deeper than `maxDepth`: htmlparser2 keeps its open-element stack in an
 * array it shifts at the front, so unbounded nesting costs quadratic time (250k nested `<b>` took 38 s).
 */
export function htmlToText(html: string, limits: ExtractLimits = DEFAULT_LIMITS): { text: string; title?: string } {
  const out: string[] = [];
  let depth = 0;
  const skipStack: string[] = [];
  let preDepth = 0;
  let title: string | undefined;
  let titleParts: string[] | undefined;
  const furniture = createFurnitureFilter();
  const tableRows: number[] = []; // rows closed so far in each open table
  let cells = 0; // open table cells (more than one: a table inside a cell)

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        depth++;
        checkLimit(limits, "maxDepth", depth, `the HTML nests elements more than ${limits.maxDepth} deep`);
        // A page that never closes <head> would otherwise lose its whole body.
        if (name === "body") removeAll(skipStack, "head");
        if (name === "title" && skipStack.every((s) => s === "head") && title === undefined) titleParts = [];
        if (SKIPPED.has(name)) skipStack.push(name);
        if (skipStack.length > 0) return;
        if (furniture.open(name, attributes)) return;
        if (name === "pre") preDepth++;
        // Inside a cell, blocks (mammoth wraps every cell in <p>, pages nest tables) are spaces: a row stays one line.
        if (PARAGRAPH_BLOCKS.has(name)) out.push(cells > 0 ? " " : PARAGRAPH_BREAK);
        else if (LINE_BLOCKS.has(name)) out.push(cells > 0 ? " " : LINE_BREAK);
        else if (CELLS.has(name)) out.push(cells++ > 0 ? " " : CELL);
        if (name === "table") tableRows.push(0);
      },
      ontext(data) {
        if (titleParts) titleParts.push(data);
        if (skipStack.length > 0 || furniture.skipping) return;
        // Source line wrapping is not structure; only <pre> keeps its line breaks.
        out.push(preDepth > 0 ? data.replace(/\r?\n/g, "\u2028") : data.replace(/\s+/g, " "));
      },
      onclosetag(name) {
        depth = Math.max(0, depth - 1);
        if (name === "title" && titleParts) {
          title = collapse(cleanText(titleParts.join(""))) || undefined;
          titleParts = undefined;
        }
        if (SKIPPED.has(name)) {
          const at = skipStack.lastIndexOf(name);
          if (at >= 0) skipStack.splice(at);
          return;
        }
        if (skipStack.length > 0) return;
        if (furniture.close(name)) return;
        if (name === "pre") preDepth = Math.max(0, preDepth - 1);
        if (CELLS.has(name)) cells = Math.max(0, cells - 1);
        if (PARAGRAPH_BLOCKS.has(name)) out.push(cells > 0 ? " " : PARAGRAPH_BREAK);
        else if (LINE_BLOCKS.has(name) && name !== "br") out.push(cells > 0 ? " " : LINE_BREAK);
        if (name === "tr" && cells === 0 && tableRows.length > 0 && tableRows[tableRows.length - 1]!++ === 0) {
          out.push(DELIMITER, LINE_BREAK);
        }
        if (name === "table") tableRows.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();

  return title === undefined ? { text: layout(out.join("")) } : { text: layout(out.join("")), title };
}

/**
 * Collapses source formatting (indentation, wrapped lines) into single spaces, keeps the line breaks the block
 * structure produced, and restores <pre> line breaks, which were parked as U+2028 so collapsing cannot eat them.
 */
function layout(raw: string): string {
  let columns = 1;
  return resolveBreaks(cleanText(raw))
    .split("\n")
    .map((line) => {
      const text = collapse(line);
      if (text === DELIMITER) return `|${" --- |".repeat(columns)}`;
      if (!text.includes(CELL)) return text.replace(/\u2028/g, "\n").replaceAll(DELIMITER, "");
      const cells = text.split(CELL).slice(1);
      columns = Math.max(1, cells.length);
      return `| ${cells
        .map((c) =>
          c
            .replace(/\u2028/g, " ")
            .replaceAll("|", "\\|")
            .trim(),
        )
        .join(" | ")} |`;
    })
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Each run of whitespace and break markers that holds a marker becomes "\n\n" (any paragraph break in it) or
 * "\n"; runs without a marker stay. One pass over the runs: the regular expression this replaces rescanned a
 * marker-less run of spaces from each of its positions, quadratic on 1 MB of `<i> </i>`.
 */
function resolveBreaks(text: string): string {
  return text.replace(/(?:[^\S\u2028]|[\uE000\uE001])+/g, (run) => {
    if (!/[\uE000\uE001]/.test(run)) return run;
    return run.includes(PARAGRAPH_BREAK) ? "\n\n" : "\n";
  });
}

function collapse(text: string): string {
  return text.replace(/[^\S\u2028]+/g, " ").trim();
}

function removeAll(stack: string[], name: string): void {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i] === name) stack.splice(i, 1);
}

/**
 * @module
 * Token-aware chunking of extracted sections. Each section is cut into tokenizer pieces once; chunks are then
 * chosen by walking those pieces, so a megabyte of text costs a few linear passes, never re-encoding growing
 * strings. Cuts prefer paragraph, then line/sentence, then word boundaries; consecutive chunks of a section share
 * about `overlapTokens` tokens so a fact cut in half is still whole in one of them.
 */

import type { ExtractedSection } from "../extract/types.js";
import { CUT } from "./boundaries.js";
import { InvalidPartitionOptions } from "./errors.js";
import { headerPrefix, MIN_BODY_TOKENS, type PartitionOptions, resolvePartitionOptions } from "./options.js";
import { findTables, keepRowsWhole, type Table, tableOfRow, tableSplitAt, unitAt } from "./tables.js";
import { countByPieces, countTokens, pieceCounter } from "./tokenizer.js";
import { buildUnits, splitUnit, type Units } from "./units.js";

/**
 * `text` includes the chunk header; `tokenCount` is the real cl100k_base count of `text`; `sectionName` is the
 * section's name where it has one (an XLSX worksheet's).
 */
export type Chunk = {
  text: string;
  partitionNumber: number;
  sectionNumber: number;
  tokenCount: number;
  sectionName?: string;
};

// A paragraph or sentence cut is only preferred when it keeps the chunk at least this full; otherwise a small
// leading paragraph would become its own tiny chunk.
const MIN_FILL = 0.5;

/**
 * @example
 * partition([{ text, sectionNumber: 1 }], { maxTokensPerChunk: 200, overlapTokens: 20 }, { maxTokens: 8191 })
 * // → [{ text, partitionNumber: 0, sectionNumber: 1, tokenCount: 187 }, …]
 * @throws InvalidPartitionOptions for options that cannot produce chunks (see `resolvePartitionOptions`)
 */
export function partition(
  sections: ExtractedSection[],
  opts?: Partial<PartitionOptions>,
  limits?: { maxTokens?: number },
): Chunk[] {
  const options = resolvePartitionOptions(opts);
  const limit = effectiveLimit(options.maxTokensPerChunk, limits?.maxTokens);
  const header = headerPrefix(options.chunkHeader);
  const budget = limit - countTokens(header);
  if (budget < MIN_BODY_TOKENS) {
    throw new InvalidPartitionOptions(
      `the chunk header leaves ${Math.max(budget, 0)} tokens for text within the ${limit}-token limit`,
    );
  }
  // An overlap that no longer fits once the embedder's limit or the header shrank the chunk keeps its proportion.
  const overlap =
    options.overlapTokens < budget
      ? options.overlapTokens
      : Math.floor((budget * options.overlapTokens) / options.maxTokensPerChunk);

  const count = pieceCounter();
  const chunks: Chunk[] = [];
  for (const section of sections) {
    const text = wellFormed(section.text);
    for (const body of sectionBodies(text, { budget, overlap, limit, header, count })) {
      chunks.push({
        text: header + body.text,
        partitionNumber: chunks.length,
        sectionNumber: section.sectionNumber,
        tokenCount: body.tokenCount,
        ...(section.name ? { sectionName: section.name } : {}),
      });
    }
  }
  return chunks;
}

type Plan = { budget: number; overlap: number; limit: number; header: string; count: (piece: string) => number };

function* sectionBodies(text: string, plan: Plan): Generator<{ text: string; tokenCount: number }> {
  const units = buildUnits(text, plan.budget, plan.count);
  const tables = findTables(text);
  if (tables.length > 0) keepRowsWhole(text, units, tables);
  const cut = tableAwareCut(units, tables, plan.budget);
  const total = () => units.start.length;
  let start = 0;
  let done = 0; // units before this index are already in an emitted chunk

  while (done < total()) {
    // A chunk that starts among a table's rows repeats the table's header, out of its own budget.
    let head = repeatedHeader(tables, units, start, plan);
    let budget = plan.budget - head.tokens;
    let end = cut(start, done, budget);
    let body = head.text + slice(text, units, start, end).trim();
    let tokenCount = body === "" ? 0 : countByPieces(plan.header + body, plan.count);

    // Piece counts add up exactly, but trimming and the header join can shift a token or two; re-cut until the
    // real count fits, dropping the overlap or splitting a unit if that is what it takes.
    while (tokenCount > plan.limit) {
      budget -= tokenCount - plan.limit;
      if (budget >= 1 && windowEnd(units, start, budget) > done) end = cut(start, done, budget);
      else if (start < done) {
        start = done;
        head = repeatedHeader(tables, units, start, plan);
        budget = plan.budget - head.tokens;
        end = cut(start, done, budget);
      } else if (splitUnit(units, text, done, plan.count)) {
        budget = plan.budget - head.tokens;
        end = cut(start, done, budget);
      } else if (head.tokens > 0) {
        head = NO_HEADER;
        budget = plan.budget;
        end = cut(start, done, budget);
      } else break;
      body = head.text + slice(text, units, start, end).trim();
      tokenCount = body === "" ? 0 : countByPieces(plan.header + body, plan.count);
    }

    if (body !== "") yield { text: body, tokenCount };
    done = end;
    if (end < total()) start = overlapStart(units, start, end, plan);
  }
}

const NO_HEADER = { text: "", tokens: 0 };

/** The header lines a chunk starting at unit `start` repeats: its table's, when it starts among the rows. */
function repeatedHeader(tables: Table[], units: Units, start: number, plan: Plan): { text: string; tokens: number } {
  const offset = units.start[start];
  const table = offset === undefined ? undefined : tableOfRow(tables, offset);
  if (!table) return NO_HEADER;
  const text = `${table.header}\n`;
  const tokens = countByPieces(text, plan.count);
  // A header that would take most of the chunk is not worth repeating.
  return tokens * 2 <= plan.budget ? { text, tokens } : NO_HEADER;
}

/**
 * `chooseEnd`, except that a cut which would split a table that fits a whole chunk moves back to the table's start
 * (when that still makes progress), so the table goes whole into the next chunk.
 */
function tableAwareCut(units: Units, tables: Table[], fullBudget: number) {
  const sizes = new Map<Table, number>();
  const size = (table: Table) => {
    let tokens = sizes.get(table);
    if (tokens === undefined) {
      tokens = 0;
      for (let k = unitAt(units, table.start); k < units.start.length && units.start[k]! < table.end; k++) {
        tokens += units.tokens[k]!;
      }
      sizes.set(table, tokens);
    }
    return tokens;
  };
  return (start: number, done: number, budget: number): number => {
    const end = chooseEnd(units, start, done, budget);
    const offset = units.start[end];
    const table = tables.length > 0 && offset !== undefined ? tableSplitAt(tables, offset) : undefined;
    if (!table) return end;
    const first = unitAt(units, table.start);
    return first > done && first > start && size(table) <= fullBudget ? first : end;
  };
}

/** First index past the longest run of units from `start` that fits `budget`. */
function windowEnd(units: Units, start: number, budget: number): number {
  let sum = 0;
  let end = start;
  while (end < units.tokens.length && sum + units.tokens[end]! <= budget) sum += units.tokens[end++]!;
  return end;
}

/** Where the chunk starting at `start` ends: always past `done`, within `budget`, at the best cut available. */
function chooseEnd(units: Units, start: number, done: number, budget: number): number {
  const hi = windowEnd(units, start, budget);
  if (hi >= units.tokens.length) return units.tokens.length;
  if (hi <= done) return done + 1; // unreachable given how starts are chosen; guarantees progress regardless

  let sum = 0;
  for (let i = start; i < hi; i++) sum += units.tokens[i]!;
  const best: (number | undefined)[] = [];
  let anyWord: number | undefined;
  // Walking back from the longest possible chunk, the first hit per strength is its latest cut.
  for (let cut = hi; cut > done; cut--) {
    const strength = units.strength[cut]!;
    if (sum >= budget * MIN_FILL) {
      for (let level = strength; level >= CUT.word; level--) best[level] ??= cut;
    }
    if (strength >= CUT.word) anyWord ??= cut;
    sum -= units.tokens[cut - 1]!;
  }
  // Cutting inside a word only happens when no word boundary fits, i.e. the word itself is longer than a chunk.
  return best[CUT.paragraph] ?? best[CUT.sentence] ?? best[CUT.word] ?? anyWord ?? hi;
}

/**
 * Where the next chunk starts so that it repeats up to `overlap` tokens of the previous one: at a sentence start
 * when that keeps at least half the overlap, else at a word start, never inside a word, and never so far back
 * that the next unit could not fit.
 */
function overlapStart(units: Units, previousStart: number, end: number, plan: Plan): number {
  if (plan.overlap === 0) return end;
  const next = units.tokens[end]!;
  let sum = 0;
  let atWord: number | undefined;
  let atSentence: number | undefined;
  for (let k = end - 1; k > previousStart; k--) {
    sum += units.tokens[k]!;
    if (sum > plan.overlap || sum + next > plan.budget) break;
    const strength = units.strength[k]!;
    if (strength >= CUT.word) atWord = k;
    if (strength >= CUT.sentence && sum >= plan.overlap / 2) atSentence = k;
  }
  return atSentence ?? atWord ?? end;
}

function slice(text: string, units: Units, start: number, end: number): string {
  return text.slice(units.start[start], units.start[end] ?? text.length);
}

function effectiveLimit(maxTokensPerChunk: number, embedderLimit: number | undefined): number {
  if (embedderLimit === undefined) return maxTokensPerChunk;
  if (!Number.isInteger(embedderLimit) || embedderLimit < 1) {
    throw new InvalidPartitionOptions(`the embedder's token limit must be a positive integer (got ${embedderLimit})`);
  }
  return Math.min(maxTokensPerChunk, embedderLimit);
}

// Chunks go to Postgres `text` and to embedding APIs: neither accepts NUL or unpaired UTF-16 surrogates.
function wellFormed(text: string): string {
  return text
    .replaceAll("\u0000", "")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

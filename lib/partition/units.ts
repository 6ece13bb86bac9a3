/**
 * @module
 * Cuts a section into the smallest units the partitioner moves: the tokenizer's own pieces, each with its exact
 * token count and the strength of a cut just before it. A piece longer than a whole chunk (a base64 blob, a long
 * run of one character) is split further at code-point boundaries.
 */

import { type CutStrength, cutStrength } from "./boundaries.js";
import { tokenizerPieces } from "./tokenizer.js";

/** Parallel arrays; unit i spans text[start[i], start[i + 1]) and the last one ends at the text's end. */
export type Units = { start: number[]; tokens: number[]; strength: CutStrength[] };

// The tokenizer's BPE is quadratic in the length of one piece (a letter run 32k long takes about a second), so
// pieces longer than this are split by byte length without ever being counted whole.
const MAX_COUNTED_PIECE = 256;

export function buildUnits(text: string, budget: number, count: (piece: string) => number): Units {
  const units: Units = { start: [], tokens: [], strength: [] };
  let offset = 0;
  for (const piece of tokenizerPieces(text)) {
    const tokens = piece.length > MAX_COUNTED_PIECE ? Number.POSITIVE_INFINITY : count(piece);
    if (tokens <= budget) push(units, text, offset, tokens);
    else {
      let at = offset;
      for (const part of splitByUtf8Bytes(piece, Math.min(budget, MAX_COUNTED_PIECE))) {
        push(units, text, at, count(part));
        at += part.length;
      }
    }
    offset += piece.length;
  }
  return units;
}

/** Splits `unit` in two at a code point near its middle; false when it is a single code point. */
export function splitUnit(units: Units, text: string, unit: number, count: (piece: string) => number): boolean {
  const from = units.start[unit]!;
  const to = units.start[unit + 1] ?? text.length;
  let mid = from + Math.floor((to - from) / 2);
  if (isLowSurrogate(text.charCodeAt(mid))) mid--;
  if (mid <= from) mid = from + (isHighSurrogate(text.charCodeAt(from)) ? 2 : 1);
  if (mid >= to) return false;
  units.start.splice(unit + 1, 0, mid);
  units.tokens.splice(unit, 1, count(text.slice(from, mid)), count(text.slice(mid, to)));
  units.strength.splice(unit + 1, 0, cutStrength(text, mid));
  return true;
}

function push(units: Units, text: string, start: number, tokens: number): void {
  units.start.push(start);
  units.tokens.push(tokens);
  units.strength.push(cutStrength(text, start));
}

// Byte-level BPE never yields more tokens than UTF-8 bytes, so each part is guaranteed to fit the budget.
function* splitByUtf8Bytes(piece: string, maxBytes: number): Generator<string> {
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < piece.length; ) {
    const code = piece.codePointAt(i)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    const units = code > 0xffff ? 2 : 1;
    if (bytes + width > maxBytes && i > from) {
      yield piece.slice(from, i);
      from = i;
      bytes = 0;
    }
    bytes += width;
    i += units;
  }
  if (from < piece.length) yield piece.slice(from);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

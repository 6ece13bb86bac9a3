/**
 * @module
 * Token counting with OpenAI's cl100k_base encoding (the one `text-embedding-3-*` and `ada-002` use), plus the
 * tokenizer's own pre-split of text into pieces. BPE never merges across those pieces, so a text's token count is
 * exactly the sum of its pieces' counts: the partitioner encodes each distinct piece once and never re-encodes
 * growing strings.
 */

import { countTokens as countCl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { CL100K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";

// Documents may legitimately contain strings like "<|endoftext|>"; they are text here, never control tokens
// (the library's default is to throw on them).
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Number of cl100k_base tokens in `text`. */
export function countTokens(text: string): number {
  return countCl100k(text, AS_PLAIN_TEXT);
}

// BPE is quadratic in the length of one piece: 1 MB of "#" is one piece, and counting chunks cut from it
// took a minute. Pieces longer than this are counted in slices, an upper bound (merging never adds tokens).
const MAX_BPE_PIECE = 256;

/**
 * `countTokens` in linear time on any input: exact when no tokenizer piece is longer than 256 characters (all
 * real prose), otherwise a slight overestimate, which only makes a chunk cut from such text smaller.
 */
export function countTokensBounded(text: string): number {
  let total = 0;
  for (const piece of tokenizerPieces(text)) {
    if (piece.length <= MAX_BPE_PIECE) {
      total += countTokens(piece);
      continue;
    }
    for (let at = 0; at < piece.length; ) {
      let end = Math.min(piece.length, at + MAX_BPE_PIECE);
      // Never cut a surrogate pair in two.
      if (end < piece.length && /[\uDC00-\uDFFF]/.test(piece[end]!)) end++;
      total += countTokens(piece.slice(at, end));
      at = end;
    }
  }
  return total;
}

/** Splits text the way the tokenizer does before BPE; pieces are contiguous and cover the whole text. */
export function tokenizerPieces(text: string): string[] {
  const pieces: string[] = [];
  let covered = 0;
  for (const match of text.matchAll(new RegExp(CL100K_TOKEN_SPLIT_REGEX.source, CL100K_TOKEN_SPLIT_REGEX.flags))) {
    // The pattern matches every character class, but a gap would silently drop text, so guard anyway.
    if (match.index > covered) pieces.push(text.slice(covered, match.index));
    pieces.push(match[0]);
    covered = match.index + match[0].length;
  }
  if (covered < text.length) pieces.push(text.slice(covered));
  return pieces;
}

/**
 * Exactly `countTokens(text)`, computed as the sum of its own pieces' counts through `count` (a `pieceCounter`):
 * pieces seen before cost a map lookup instead of BPE. Checking each chunk this way instead of encoding it whole
 * took the partitioner from the largest CPU cost of ingestion to a small one (BENCHMARKS.md, ingest).
 */
export function countByPieces(text: string, count: (piece: string) => number): number {
  let total = 0;
  for (const piece of tokenizerPieces(text)) total += count(piece);
  return total;
}

/** A memoised `countTokens` for one partitioning run: real documents repeat most of their words. */
export function pieceCounter(): (piece: string) => number {
  const cache = new Map<string, number>();
  return (piece) => {
    let count = cache.get(piece);
    if (count === undefined) {
      // A very long piece (1 MB of `#`) is counted in bounded slices: BPE on it whole is super-linear.
      count = piece.length > MAX_BPE_PIECE ? countTokensBounded(piece) : countTokens(piece);
      // Long pieces rarely repeat; caching them would only hold memory.
      if (piece.length <= 64) cache.set(piece, count);
    }
    return count;
  };
}

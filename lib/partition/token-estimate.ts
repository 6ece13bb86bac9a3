/**
 * @module
 * An estimate of cl100k_base token counts without the encoding's ranks (1.3 MB of JavaScript): what the API Worker
 * counts with (its composition root, functions/worker.ts, hands it to the services), so it stays under 1 MiB
 * gzipped. It only sizes an answer's prompt and reports token usage; chunking (the ingestion Worker, Node) always
 * counts exactly with `tokenizer.ts`.
 *
 * The text is pre-split exactly as the tokenizer splits it, and each piece is priced by its kind: a word (lower case,
 * capitalised or all capitals), a number or a run of spaces at one token per four characters (cl100k holds most
 * English words whole); other ASCII (punctuation, mixed-case runs such as base64) at one per 1.5 characters;
 * other text at one per two UTF-8 bytes where every character takes two (Cyrillic, Greek, accented Latin…) and one
 * per 1.5 bytes otherwise (CJK, emoji). On prose, code, JSON, HTML, CJK, Cyrillic, emoji, hex and base64 it
 * stays between 0.95× and 3× the exact count (test/node/partition/token-estimate.test.ts); an answer's reserve
 * (`answerTokens`) is the margin for a small undercount, as it is for models whose tokenizer is not cl100k.
 */

import { CL100K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";

const WORDLIKE = /^[ \t]?(?:[A-Z]?[a-z]+|[A-Z]+)$|^[0-9]+$|^\s+$/;
const NON_ASCII = /[\u0080-\uffff]/;
/** Beyond Latin with diacritics, Greek, Cyrillic, Hebrew, Arabic (two bytes a character in UTF-8). */
const BEYOND_TWO_BYTES = /[\u0800-\uffff]/;
const utf8 = new TextEncoder();

/** About the number of cl100k_base tokens in `text` (linear time, never 0 for non-empty text). */
export function countTokens(text: string): number {
  let total = 0;
  for (const [piece] of text.matchAll(new RegExp(CL100K_TOKEN_SPLIT_REGEX.source, CL100K_TOKEN_SPLIT_REGEX.flags))) {
    if (WORDLIKE.test(piece)) total += Math.ceil(piece.length / 4);
    else if (!NON_ASCII.test(piece)) total += Math.ceil(piece.length / 1.5);
    else total += Math.ceil(utf8.encode(piece).length / (BEYOND_TWO_BYTES.test(piece) ? 1.5 : 2));
  }
  return total;
}

// Both token counters must offer the same function; this fails to type-check when they drift.
const _sameShape: typeof import("./tokenizer.js").countTokens = countTokens;
void _sameShape;

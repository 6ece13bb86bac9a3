/**
 * @module
 * UTF-8 decoding and the cleaning every extractor's output goes through before it is stored.
 */

import type { ExtractedSection } from "./types.js";

// Non-fatal on purpose: a stray invalid byte in a text upload should cost one U+FFFD, not the whole document.
const lenientUtf8 = new TextDecoder("utf-8");

/** Decodes UTF-8, turning invalid sequences into U+FFFD; a leading BOM is dropped by the decoder. */
export function decodeUtf8(bytes: Uint8Array): string {
  return lenientUtf8.decode(bytes);
}

/**
 * Makes text safe to store and stable to chunk: Postgres `text` cannot hold U+0000, a BOM inside the text would
 * become an invisible token, and CRLF vs LF must not change chunk boundaries or content hashes.
 */
export function cleanText(text: string): string {
  return text
    .replace(/^\uFEFF/, "")
    .replaceAll("\u0000", "")
    .replace(/\r\n?/g, "\n");
}

/** A single-section result, or none when nothing readable is left (the pipeline reports the file as empty). */
export function singleSection(text: string): ExtractedSection[] {
  return text.trim() === "" ? [] : [{ text, sectionNumber: 1 }];
}

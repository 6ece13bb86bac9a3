/**
 * @module
 * Text for the partition tests (test/node/partition/partition.test.ts): deterministic prose, the overlap
 * between two chunks, and fast-check arbitraries of text with every kind of separator.
 */
import fc from "fast-check";

export const section = (text: string, sectionNumber = 1) => ({ text, sectionNumber });

/** Deterministic prose: numbered sentences so overlap and order are easy to check. */
export function prose(sentences: number, prefix = "s"): string {
  return Array.from({ length: sentences }, (_, i) => `${prefix}${i} talks about vectors and memory.`).join(" ");
}

/** The longest suffix of `a` (at least `min` chars) that is also a prefix of `b`. */
export function sharedText(a: string, b: string, min = 1): string {
  for (let len = Math.min(a.length, b.length); len >= min; len--) {
    if (a.endsWith(b.slice(0, len))) return b.slice(0, len);
  }
  return "";
}

export const words = fc.constantFrom(
  "memory",
  "vector",
  "Postgres",
  "pgvector",
  "a",
  "the",
  "isolate",
  "über",
  "naïve",
  "日本語",
  "数据库",
  "😀",
  "émigré",
  "x1",
  "42",
  "3.14",
  "—",
  "don't",
  "<|endoftext|>",
  "C#",
  "e=mc²",
  "\t",
);
export const separators = fc.constantFrom(" ", " ", " ", ". ", "! ", "\n", "\n\n", "\n\n\n", ", ", "  ", "\r\n", "");
export const randomText = fc
  .array(fc.tuple(words, separators), { maxLength: 400 })
  .map((parts) => parts.map(([w, s]) => w + s).join(""));
export const anyText = fc.oneof(
  randomText,
  fc.string({ unit: "grapheme", maxLength: 600 }),
  fc.string({ unit: "binary", maxLength: 300 }),
);

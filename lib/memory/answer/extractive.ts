/**
 * @module
 * The answer given when no text generator is configured (or it failed): the sentences of the
 * retrieved facts that best match the question, quoted verbatim with a citation marker each, and
 * a list of the sources. It says that it is extractive, so nobody mistakes it for a generated
 * answer.
 *
 * Sentences are ranked with BM25 over the candidate sentences (lower-cased words, English
 * stop-words removed, light suffix stripping), ties broken by the relevance search gave their
 * partition. When no sentence shares a word with the question, the opening of the most relevant
 * partition is returned instead of "not found": search already judged that partition close in
 * meaning (embeddings match "refund" to "money back"; words do not), and the header says so.
 *
 * @example
 * extractiveAnswer("Which error code means too many clients?", packed.facts).text
 * // Relevant passages (extracted verbatim from the sources; not generated):
 * // - Postgres answered SQLSTATE 53300 when the slots ran out. [1]
 * //
 * // Sources:
 * // [1] incident.md (doc-42)
 */

// furniture.ts directly: the extract barrel would pull pdf.js and mammoth into the API Worker.
import { furnitureWeight } from "../../extract/furniture.js";
import type { Citation } from "../types.js";
import { type Fact, sourceLabel, sourcesOf } from "./facts.js";

export type ExtractiveAnswer = {
  text: string;
  /** Only the citations (and partitions) quoted, numbered by position: `[1]` is `sources[0]`. */
  sources: Citation[];
  /** `text` in reading order, one piece per line group; `pieces.join("") === text`. Used for streaming. */
  pieces: string[];
};

export type ExtractiveOptions = { maxSentences?: number; maxChars?: number };

export const MATCHED_HEADER = "Relevant passages (extracted verbatim from the sources; not generated):";
export const UNMATCHED_HEADER =
  "No passage shares words with the question; the closest passage by meaning (extracted verbatim; not generated):";

const DEFAULT_MAX_SENTENCES = 5;
const DEFAULT_MAX_CHARS = 1200;
/** A sentence longer than this is a table row or a missing full stop; quoting all of it helps nobody. */
const MAX_SENTENCE_CHARS = 400;
/** Sentences scoring below this share of the best one are noise next to it. */
const MIN_SHARE_OF_BEST = 0.25;
const K1 = 1.2;
const B = 0.75;

type Sentence = { text: string; fact: Fact; order: number; terms: string[]; words: number };

/** Below this many words a "sentence" is a heading or a label: it may match every term and still answer nothing. */
const FULL_SENTENCE_WORDS = 6;

/** `facts` most relevant first, as `packFacts` returns them; must not be empty. */
export function extractiveAnswer(
  question: string,
  facts: readonly Fact[],
  opts: ExtractiveOptions = {},
): ExtractiveAnswer {
  const maxSentences = opts.maxSentences ?? DEFAULT_MAX_SENTENCES;
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;

  const sentences: Sentence[] = [];
  const seenFacts = new Set<string>();
  for (const fact of facts) {
    const key = fact.content.toLowerCase();
    if (seenFacts.has(key)) continue;
    seenFacts.add(key);
    for (const text of splitSentences(fact.content)) {
      const words = text.match(WORD)?.length ?? 0;
      sentences.push({ text, fact, order: sentences.length, terms: terms(text), words });
    }
  }

  const queryTerms = [...new Set(terms(question))];
  const scores = bm25(queryTerms, sentences);
  const ranked = sentences
    .map((sentence, i) => ({
      sentence,
      // Statements before contents lines, link bars and link lists that share the question's words.
      score: scores[i]! * Math.min(1, sentence.words / FULL_SENTENCE_WORDS) * furnitureWeight(sentence.text),
    }))
    .filter((s) => s.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.sentence.fact.partition.relevance - a.sentence.fact.partition.relevance ||
        a.sentence.order - b.sentence.order,
    );

  let header = MATCHED_HEADER;
  let picked: Sentence[];
  if (ranked.length > 0) {
    const floor = ranked[0]!.score * MIN_SHARE_OF_BEST;
    picked = pick(
      ranked.filter((r) => r.score >= floor).map((r) => r.sentence),
      maxSentences,
      maxChars,
    );
  } else {
    header = UNMATCHED_HEADER;
    const top = facts[0]!;
    picked = pick(
      sentences.filter((s) => s.fact === top),
      2,
      maxChars,
    );
    if (picked.length === 0) picked = [{ text: clip(top.content, maxChars), fact: top, order: 0, terms: [], words: 0 }];
  }

  // Citation numbers follow reading order, so the first marker is [1].
  const sources = sourcesOf(picked.map((s) => s.fact));
  const numberOf = (fact: Fact) => sources.findIndex((c) => c.link === fact.citation.link) + 1;
  const pieces = [header];
  for (const s of picked) pieces.push(`\n- ${s.text} [${numberOf(s.fact)}]`);
  const list = sources.map((c, i) => `[${i + 1}] ${sourceLabel(c)} (${c.documentId})`).join("\n");
  pieces.push(`\n\nSources:\n${list}`);
  return { text: pieces.join(""), sources, pieces };
}

/** Greedy: best first, distinct texts, within the character budget (the first always fits, clipped if need be). */
function pick(candidates: readonly Sentence[], maxSentences: number, maxChars: number): Sentence[] {
  const picked: Sentence[] = [];
  const seen = new Set<string>();
  let chars = 0;
  for (const s of candidates) {
    if (picked.length >= maxSentences) break;
    const key = s.text.toLowerCase();
    if (seen.has(key)) continue;
    if (picked.length === 0 && s.text.length > maxChars) {
      picked.push({ ...s, text: clip(s.text, maxChars) });
      break;
    }
    if (chars + s.text.length > maxChars) continue;
    seen.add(key);
    chars += s.text.length;
    picked.push(s);
  }
  return picked;
}

function bm25(queryTerms: readonly string[], sentences: readonly Sentence[]): number[] {
  if (queryTerms.length === 0 || sentences.length === 0) return sentences.map(() => 0);
  const df = new Map<string, number>();
  for (const s of sentences) for (const t of new Set(s.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = sentences.length;
  const avgLength = sentences.reduce((sum, s) => sum + s.terms.length, 0) / n || 1;
  return sentences.map((s) => {
    let score = 0;
    for (const q of queryTerms) {
      const tf = s.terms.reduce((count, t) => count + (t === q ? 1 : 0), 0);
      if (tf === 0) continue;
      const d = df.get(q) ?? 0;
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
      score += (idf * (tf * (K1 + 1))) / (tf + K1 * (1 - B + (B * s.terms.length) / avgLength));
    }
    return score;
  });
}

// Lines that stand alone whatever their punctuation: headings, list items, table rows, quotes.
const BLOCK_LINE = /^\s*(#{1,6}\s|[-*•+]\s|\d{1,3}[.)]\s|\||>)/;
const HEADING = /^\s*#{1,6}\s/;
const LINE_MARKER = /^\s*(#{1,6}\s+|[-*•+]\s+|\d{1,3}[.)]\s+|>\s*)/;
// A boundary: end punctuation (and closing quotes/brackets), whitespace, then something that can start a sentence.
const BOUNDARY = /(?<=[.!?…。！？]["'”’)\]]*)\s+(?=["'“‘([]?[\p{Lu}\p{N}])/u;
// Words after which a full stop rarely ends a sentence.
const ABBREVIATION = /(?:^|\s)(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|prof|st|no|fig|approx|inc|ltd|co|cf|al|[\p{L}])\.$/iu;

/** Splits text into sentences: paragraphs, then block lines, then sentence punctuation; markdown headings are dropped. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    // Hard-wrapped prose is re-joined; markdown-ish block lines are kept apart.
    const units: string[] = [];
    for (const line of paragraph.split("\n")) {
      // Headings label a passage; quoted alone they answer nothing.
      if (!line.trim() || HEADING.test(line)) continue;
      const last = units.length - 1;
      if (last >= 0 && !BLOCK_LINE.test(line) && !BLOCK_LINE.test(units[last]!)) units[last] += ` ${line.trim()}`;
      else units.push(line.trim());
    }
    for (const unit of units) {
      const parts = unit.replace(LINE_MARKER, "").split(BOUNDARY);
      // Re-join splits made after an abbreviation ("e.g. Postgres").
      let current = "";
      for (const part of parts) {
        current = current ? `${current} ${part}` : part;
        if (!ABBREVIATION.test(current)) {
          out.push(current);
          current = "";
        }
      }
      if (current) out.push(current);
    }
  }
  return out
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => terms(s).length > 0 || /[\p{L}\p{N}]/u.test(s))
    .map((s) => clip(s, MAX_SENTENCE_CHARS));
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Lower-cased, stop-word-free, lightly stemmed words: the unit both question and sentences are compared in. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const match of text.normalize("NFKC").toLowerCase().matchAll(WORD)) {
    const word = match[0].replace(/['’]s$/, "");
    if (STOP_WORDS.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}

/** Just enough suffix stripping that "pools" finds "pool" and "connections" finds "connection". */
function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ing") && word.length > 5) return word.slice(0, -3);
  if (word.endsWith("ed") && word.length > 4) return word.slice(0, -2);
  if (word.endsWith("es") && /(ch|sh|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    return word.slice(0, -1);
  }
  return word;
}

// Question words and function words carry no topic; left in, "what is" would match every definition.
const STOP_WORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between both " +
    "but by can could did do does doing down during each few for from further had has have having he her here hers " +
    "him his how i if in into is it its itself just me more most my no nor not of off on once only or other our ours " +
    "out over own same she should so some such than that the their theirs them then there these they this those " +
    "through to too under until up very was we were what when where which while who whom why will with would you " +
    "your yours tell explain describe please does did happens happen use used using get got"
  ).split(" "),
);

/**
 * @module
 * How good a place is to cut text: between paragraphs beats between lines or sentences, which beats between
 * words, which beats inside a word. The partitioner asks this only at tokenizer-piece boundaries.
 */

export const CUT = { insideWord: 0, word: 1, sentence: 2, paragraph: 3 } as const;
export type CutStrength = (typeof CUT)[keyof typeof CUT];

const SENTENCE_END = new Set([".", "!", "?", "…", "。", "！", "？", "．", "｡"]);
// Scripts without spaces end sentences with these and start the next one immediately.
const UNSPACED_SENTENCE_END = new Set(["。", "！", "？", "｡"]);
const CLOSERS = new Set(['"', "'", ")", "]", "}", "”", "’", "»", "」", "』", "）"]);
// Bounds the scan so a megabyte of blank space costs linear, not quadratic, time.
const MAX_SCAN = 256;

/** Strength of cutting `text` just before index `at`. */
export function cutStrength(text: string, at: number): CutStrength {
  if (at <= 0 || at >= text.length) return CUT.paragraph;
  let from = at;
  while (from > 0 && at - from < MAX_SCAN && isSpace(text.charCodeAt(from - 1))) from--;
  let to = at;
  while (to < text.length && to - at < MAX_SCAN && isSpace(text.charCodeAt(to))) to++;

  if (from === to) return UNSPACED_SENTENCE_END.has(text[at - 1]!) ? CUT.sentence : CUT.insideWord;

  let newlines = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) newlines++;
  if (newlines >= 2) return CUT.paragraph;
  // A single line break is a line of a list, table, CSV or a wrapped PDF line: as good as a sentence end.
  if (newlines === 1) return CUT.sentence;

  let k = from - 1;
  while (k >= 0 && from - k <= 3 && CLOSERS.has(text[k]!)) k--;
  return k >= 0 && SENTENCE_END.has(text[k]!) ? CUT.sentence : CUT.word;
}

function isSpace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code > 127 && /\s/.test(String.fromCharCode(code));
}

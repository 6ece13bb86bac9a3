/**
 * @module
 * A deterministic synthetic corpus (same seed, same bytes, every run): prose-like paragraphs over a Zipf-ish
 * vocabulary of made-up words plus topic words, split into documents; and queries drawn from the same words.
 */

export type CorpusDocument = { documentId: string; text: string };

/** mulberry32: a tiny seeded PRNG, good enough for synthetic data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ren",
  "tu",
  "sa",
  "vel",
  "dor",
  "pi",
  "nax",
  "qui",
  "bra",
  "zem",
  "ol",
  "fin",
  "ast",
];
const TOPICS = [
  "pelican",
  "glacier",
  "harbor",
  "compiler",
  "orchard",
  "turbine",
  "lantern",
  "meadow",
  "quartz",
  "violin",
  "reactor",
  "canyon",
  "ledger",
  "falcon",
  "copper",
  "nebula",
  "archive",
  "bakery",
  "voltage",
  "lagoon",
];

function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>(TOPICS);
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

export function generateCorpus(options: { bytes: number; documents: number; seed?: number }): CorpusDocument[] {
  const random = prng(options.seed ?? 42);
  const words = vocabulary(random, 3_000);
  // Zipf-like: low ranks are frequent, the tail is rare (what makes lexical search discriminative).
  const word = () => words[Math.floor(words.length * random() ** 3)]!;
  const perDocument = Math.ceil(options.bytes / options.documents);
  return Array.from({ length: options.documents }, (_, d) => {
    const paragraphs: string[] = [];
    let size = 0;
    while (size < perDocument) {
      const sentences: string[] = [];
      const count = 3 + Math.floor(random() * 5);
      for (let s = 0; s < count; s++) {
        const length = 8 + Math.floor(random() * 13);
        const parts = Array.from({ length }, word);
        parts[0] = parts[0]!.charAt(0).toUpperCase() + parts[0]!.slice(1);
        sentences.push(`${parts.join(" ")}.`);
      }
      const paragraph = sentences.join(" ");
      paragraphs.push(paragraph);
      size += paragraph.length + 2;
    }
    return { documentId: `doc-${String(d).padStart(4, "0")}`, text: paragraphs.join("\n\n") };
  });
}

/** `count` queries of 2–4 words from the corpus vocabulary, deterministic. */
export function generateQueries(count: number, seed = 7): string[] {
  const random = prng(seed);
  const words = vocabulary(prng(42), 3_000);
  return Array.from({ length: count }, () => {
    const n = 2 + Math.floor(random() * 3);
    return Array.from({ length: n }, () => words[Math.floor(words.length * random() ** 2)]!).join(" ");
  });
}

export const corpusBytes = (docs: readonly CorpusDocument[]) => docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0);

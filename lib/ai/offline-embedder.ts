/**
 * @module
 * An embedder that needs no network and no model: feature hashing of words and
 * character trigrams. Use it for development, tests and air-gapped setups.
 *
 * Be honest about what it measures: LEXICAL similarity, not meaning. "car" and
 * "automobile" share nothing here; "embedding" and "embeddings" share most
 * trigrams and land close. Search quality is that of a fuzzy keyword match.
 *
 * How: text is NFKC-normalised and lower-cased; word tokens are runs of Unicode
 * letters, marks and digits; each word also yields its character trigrams with
 * boundary markers. Each feature is hashed (FNV-1a, 32-bit) to a dimension and
 * a sign (murmur3's finaliser on the hash), weighted by `1 + ln(tf)` (words 1.0,
 * trigrams 0.5), and the vector is L2-normalised. English stop words are skipped (v2).
 *
 * Empty input: a zero vector has no direction, so cosine distance with it is
 * undefined (pgvector returns NaN). Dimension 0 is therefore reserved: features
 * never hash there, and a text without any word (empty, whitespace, punctuation)
 * becomes the unit vector on it — identical to other empty texts, orthogonal to
 * every text with content.
 */
import { AiConfigError } from "./errors.js";
import { ENGLISH_STOP_WORDS } from "./stop-words.js";
import type { Embedder } from "./types.js";

/**
 * `offline-hash-v2` (the default) leaves English stop words out — they carried ~29% of a query vector and no
 * topic; `offline-hash-v1` keeps them, for databases whose vectors it made (see `npm run reembed`).
 */
export const OFFLINE_EMBEDDERS = ["offline-hash-v2", "offline-hash-v1"] as const;
export type OfflineEmbedderId = (typeof OFFLINE_EMBEDDERS)[number];

export type OfflineEmbedderOptions = { dimensions?: number; id?: OfflineEmbedderId };

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const WORD_WEIGHT = 1;
// Trigrams outnumber words several times over; half weight keeps whole-word matches dominant.
const TRIGRAM_WEIGHT = 0.5;

/**
 * @example
 * const embedder = createOfflineEmbedder({ dimensions: 384 });
 * const [a, b] = await embedder.embed(["pgvector index", "pgvector indexes"]);
 */
export function createOfflineEmbedder({
  dimensions = 384,
  id = "offline-hash-v2",
}: OfflineEmbedderOptions = {}): Embedder {
  if (!Number.isInteger(dimensions) || dimensions < 8) {
    throw new AiConfigError(`offline embedder needs an integer dimension count of at least 8, got ${dimensions}`);
  }
  if (!OFFLINE_EMBEDDERS.includes(id)) {
    throw new AiConfigError(`offline embedder is one of ${OFFLINE_EMBEDDERS.join(", ")}, got "${id}"`);
  }
  const stopWords = id === "offline-hash-v1" ? undefined : ENGLISH_STOP_WORDS;
  return {
    id,
    dimensions,
    maxTokens: 8192,
    async embed(texts, opts) {
      opts?.signal?.throwIfAborted();
      return texts.map((text) => hashEmbedding(text, dimensions, stopWords));
    },
  };
}

/** The vector for one text; exported so callers can embed synchronously (e.g. in benchmarks). */
export function hashEmbedding(text: string, dimensions: number, stopWords?: ReadonlySet<string>): number[] {
  const features = new Map<string, number>();
  const add = (feature: string) => features.set(feature, (features.get(feature) ?? 0) + 1);
  for (const [word] of text.normalize("NFKC").toLowerCase().matchAll(WORD)) {
    if (stopWords?.has(word)) continue;
    add(`w:${word}`);
    const chars = Array.from(`\u0002${word}\u0003`);
    for (let i = 0; i + 3 <= chars.length; i++) add(`c:${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
  }

  const vector = new Array<number>(dimensions).fill(0);
  for (const [feature, tf] of features) {
    const h = fnv1a(feature);
    const slot = 1 + (h % (dimensions - 1));
    const sign = fmix32(h) & 1 ? -1 : 1;
    const weight = feature.startsWith("w:") ? WORD_WEIGHT : TRIGRAM_WEIGHT;
    vector[slot]! += sign * weight * (1 + Math.log(tf));
  }

  let norm = 0;
  for (const x of vector) norm += x * x;
  // Also covers the (vanishingly rare) case of colliding features cancelling out exactly.
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) vector[i]! *= scale;
  return vector;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

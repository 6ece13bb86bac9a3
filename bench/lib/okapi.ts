/**
 * @module
 * A textbook Okapi BM25 (k1 1.2, b 0.75, Robertson–Spärck Jones idf floored at 0 as Lucene does with its
 * `1 + …` form): lower-cased alphanumeric tokens, English stop words removed, no stemming. A measuring baseline
 * for the retrieval benchmark, not product code.
 */
import { ENGLISH_STOP_WORDS } from "../../lib/ai/stop-words.js";

const tokens = (text: string) =>
  (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => !ENGLISH_STOP_WORDS.has(t));

export function okapiIndex(docs: ReadonlyArray<{ id: string; text: string }>, k1 = 1.2, b = 0.75) {
  const tfs = docs.map((d) => {
    const tf = new Map<string, number>();
    const words = tokens(d.text);
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    return { id: d.id, tf, length: words.length };
  });
  const df = new Map<string, number>();
  for (const d of tfs) for (const w of d.tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
  const avgdl = tfs.reduce((s, d) => s + d.length, 0) / Math.max(1, tfs.length);
  const n = tfs.length;
  return {
    /** Document ids, best first. */
    search(query: string, k: number): string[] {
      const terms = [...new Set(tokens(query))];
      const scored = tfs.map((d) => {
        let score = 0;
        for (const t of terms) {
          const f = d.tf.get(t);
          if (!f) continue;
          const nt = df.get(t)!;
          const idf = Math.log(1 + (n - nt + 0.5) / (nt + 0.5));
          score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avgdl));
        }
        return { id: d.id, score };
      });
      return scored
        .filter((s) => s.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, k)
        .map((s) => s.id);
    },
  };
}

/**
 * @module
 * Textbook Okapi BM25 (k1 1.2, b 0.75, Robertson–Spärck Jones idf floored at 0 as Lucene does with its `1 + …`
 * form) over two analyses: lower-cased alphanumeric tokens without English stop words and without stemming
 * (`okapiIndex`), and the stemmed anchor (`stemmedOkapiIndex`): PostgreSQL's `english` lexemes (Snowball stemming
 * and stop words) — the same lexemes the service's text leg uses, and the lexical baseline a user already has
 * (Lucene's English analyzer and Pyserini's defaults stem too). Measuring baselines, not product code.
 */

import { ENGLISH_STOP_WORDS } from "../../lib/ai/stop-words.js";
import type { Db } from "../../lib/db/index.js";

const tokens = (text: string) =>
  (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => !ENGLISH_STOP_WORDS.has(t));

type Analysed = { id: string; tf: Map<string, number>; length: number };
type OkapiIndex = { search(query: string, k: number): Promise<string[]> | string[] };

export function okapiIndex(docs: ReadonlyArray<{ id: string; text: string }>, k1 = 1.2, b = 0.75) {
  const analysed = docs.map((d) => {
    const tf = new Map<string, number>();
    const words = tokens(d.text);
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    return { id: d.id, tf, length: words.length };
  });
  const rank = bm25(analysed, k1, b);
  return { search: (query: string, k: number) => rank([...new Set(tokens(query))], k) } satisfies OkapiIndex;
}

/** The stemmed anchor: lexemes and their frequencies as `to_tsvector(config, text)` gives them. */
export async function stemmedOkapiIndex(
  db: Db,
  docs: ReadonlyArray<{ id: string; text: string }>,
  config = "english",
  k1 = 1.2,
  b = 0.75,
) {
  const rows = await db.query<{ i: number; lexeme: string; tf: number }>(
    `select d.i::int as i, a.lexeme, coalesce(cardinality(a.positions), 1)::int as tf
       from unnest($1::text[]) with ordinality as d(t, i), unnest(to_tsvector($2::regconfig, d.t)) a`,
    [docs.map((d) => d.text), config],
  );
  const analysed: Analysed[] = docs.map((d) => ({ id: d.id, tf: new Map(), length: 0 }));
  for (const r of rows) {
    const doc = analysed[Number(r.i) - 1]!;
    doc.tf.set(r.lexeme, Number(r.tf));
    doc.length += Number(r.tf);
  }
  const rank = bm25(analysed, k1, b);
  return {
    async search(query: string, k: number): Promise<string[]> {
      const [row] = await db.query<{ lexemes: string[] }>(
        "select tsvector_to_array(to_tsvector($2::regconfig, $1)) as lexemes",
        [query, config],
      );
      return rank(row?.lexemes ?? [], k);
    },
  } satisfies OkapiIndex;
}

function bm25(docs: readonly Analysed[], k1: number, b: number) {
  const df = new Map<string, number>();
  for (const d of docs) for (const w of d.tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
  const avgdl = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length);
  const n = docs.length;
  /** Document ids, best first (ties by id, so runs repeat). */
  return (terms: readonly string[], k: number): string[] =>
    docs
      .map((d) => {
        let score = 0;
        for (const t of terms) {
          const f = d.tf.get(t);
          if (!f) continue;
          const nt = df.get(t)!;
          const idf = Math.log(1 + (n - nt + 0.5) / (nt + 0.5));
          score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avgdl));
        }
        return { id: d.id, score };
      })
      .filter((s) => s.score > 0)
      .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1))
      .slice(0, k)
      .map((s) => s.id);
}

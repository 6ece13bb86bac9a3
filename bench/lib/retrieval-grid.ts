/**
 * @module
 * The retrieval bench's grid: hybrid nDCG@10 with one ranking setting changed at a time around the defaults, each
 * beside its ratio to the stemmed BM25 anchor, on every collection — the table defaults are chosen from by
 * cross-validation (tune on one collection, read the other) — and the offline embedder choices (vector only).
 */
import { createOfflineEmbedder } from "../../lib/ai/index.js";
import type { OfflineEmbedderId } from "../../lib/ai/offline-embedder.js";
import type { Embedder } from "../../lib/ai/types.js";
import type { Db } from "../../lib/db/index.js";
import { DEFAULT_RANKING, type SearchMode, searchChunks } from "../../lib/store/chunk-search.js";
import type { Ranking } from "../../lib/store/hybrid-search.js";
import type { TestCollection } from "./collections.js";
import { meanMetrics, metricsAt, type QueryMetrics } from "./ir-metrics.js";
import { num } from "./stats.js";

const K = 10;
const CHUNKS = 30;
const EMBEDDER_CHOICES: Array<[OfflineEmbedderId, number]> = [
  ["offline-hash-v1", 384],
  ["offline-hash-v2", 384],
  ["offline-hash-v2", 768],
  ["offline-hash-v2", 1024],
];

const vary = <T>(values: T[], label: (v: T) => string, change: (v: T) => Partial<Ranking>) =>
  values.map((v): [string, Partial<Ranking>] => [label(v), change(v)]);

export const GRID: Array<[string, Partial<Ranking>, SearchMode?]> = [
  [
    // Read from the defaults, so the label cannot fall behind them (it said "budget 250" after the default became 1000).
    `defaults*: text weight ${DEFAULT_RANKING.textWeight}, k1 ${DEFAULT_RANKING.k1}, b ${DEFAULT_RANKING.b}, ` +
      `header ×${DEFAULT_RANKING.headerWeight}, budget ${DEFAULT_RANKING.postingsBudget}, RM3 ` +
      `${DEFAULT_RANKING.feedbackDocs}/${DEFAULT_RANKING.feedbackTerms}/${DEFAULT_RANKING.originalWeight} reordering ` +
      `matches (gate ${DEFAULT_RANKING.expansionGate})`,
    {},
  ],
  ["query expansion off (args.query_expansion: false)", { feedbackDocs: 0 }],
  ...vary(
    [0, 0.2, 0.4, 0.5],
    (g) => `expansion gate ${g}`,
    (g) => ({ expansionGate: g }),
  ),
  ...vary(
    [5, 20],
    (n) => `feedback chunks ${n}`,
    (n) => ({ feedbackDocs: n }),
  ),
  ...vary(
    [5, 20],
    (n) => `feedback terms ${n}`,
    (n) => ({ feedbackTerms: n }),
  ),
  ...vary(
    [0.3, 0.7],
    (x) => `original query weight ${x}`,
    (x) => ({ originalWeight: x }),
  ),
  ...vary(
    [0.5, 0.7, 0.8, 0.95, 1],
    (w) => `text weight ${w}`,
    (w) => ({ textWeight: w }),
  ),
  ...vary(
    [0.9, 1.5],
    (k1) => `k1 ${k1}`,
    (k1) => ({ k1 }),
  ),
  ...vary(
    [0.5, 0.9],
    (b) => `b ${b}`,
    (b) => ({ b }),
  ),
  ...vary(
    [1, 3],
    (h) => `header ×${h}`,
    (h) => ({ headerWeight: h }),
  ),
  ...vary(
    [50, 1e9],
    (n) => `postings budget ${n >= 1e9 ? "unbounded" : n}`,
    (n) => ({ postingsBudget: n }),
  ),
];

/**
 * One query's metrics at K with one ranking setting changed around the defaults (`mode`, hybrid when absent): the
 * documents of its best CHUNKS chunks, in the order they first appear.
 */
export async function settingMetrics(
  db: Db,
  index: string,
  dimensions: number,
  query: { text: string; vector: number[] },
  change: Partial<Ranking>,
  mode: SearchMode | undefined,
  gains: ReadonlyMap<string, number>,
): Promise<QueryMetrics> {
  const hits = await searchChunks(db, {
    index,
    vector: query.vector,
    dimensions,
    text: query.text,
    mode: mode ?? "hybrid",
    ranking: { ...DEFAULT_RANKING, ...change },
    filters: [],
    minRelevance: 0,
    limit: CHUNKS,
    efSearch: 100,
  });
  return metricsAt(K, [...new Set(hits.map((h) => h.document_id))], gains);
}

/** [label, nDCG@10, ÷ anchor] per grid row, then per offline embedder choice (vector only, no ratio). */
export async function gridRows(
  collection: TestCollection,
  index: string,
  db: Db,
  embedder: Embedder,
  anchorNdcg: number,
  log: (m: string) => void,
): Promise<Array<[string, string]>> {
  const vectors = await embedder.embed(collection.queries.map((q) => q.text));
  const out: Array<[string, string]> = [];
  for (const [label, change, mode] of GRID) {
    const per: QueryMetrics[] = [];
    for (const [i, q] of collection.queries.entries()) {
      const query = { text: q.text, vector: vectors[i]! };
      per.push(await settingMetrics(db, index, embedder.dimensions, query, change, mode, collection.gains.get(q.id)!));
    }
    const ndcg = meanMetrics(per).ndcg;
    out.push([label, `${num(ndcg, 3)} (${num(ndcg / anchorNdcg, 3)}×)`]);
    log(`${collection.name} ${label}: nDCG@10 ${num(ndcg, 3)} = ${num(ndcg / anchorNdcg, 3)}× anchor`);
  }
  const texts = collection.docs.map((d) => ({ id: d.id, text: `# ${d.title}\n\n${d.body}` }));
  for (const [id, dimensions] of EMBEDDER_CHOICES) {
    const candidate = createOfflineEmbedder({ id, dimensions });
    const docVectors = await candidate.embed(texts.map((t) => t.text));
    const per: QueryMetrics[] = [];
    for (const q of collection.queries) {
      const [v] = await candidate.embed([q.text]);
      const ranked = texts
        .map((t, i) => ({ id: t.id, s: dot(v!, docVectors[i]!) }))
        .sort((a, b) => b.s - a.s)
        .map((x) => x.id);
      per.push(metricsAt(K, ranked, collection.gains.get(q.id)!));
    }
    out.push([
      `embedder ${id} ${dimensions}-d (vector only, ${dimensions * 4 + 8} B/vector)`,
      num(meanMetrics(per).ndcg, 3),
    ]);
  }
  return out;
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

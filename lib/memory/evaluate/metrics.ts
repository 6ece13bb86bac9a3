/**
 * @module
 * Ranking metrics at a cut-off for one query's ranked document ids: nDCG (linear graded gains; the ideal ranking
 * from every judged-relevant document), recall and reciprocal rank; and the median of latencies.
 *
 * @example
 * metricsAt(10, ["d3", "d1"], new Map([["d1", 2]])) // { ndcg: 0.63, recall: 1, rr: 0.5 }
 */
export type QueryMetrics = { ndcg: number; recall: number; rr: number };

export function metricsAt(k: number, ranked: readonly string[], gains: ReadonlyMap<string, number>): QueryMetrics {
  let dcg = 0;
  let found = 0;
  let rr = 0;
  ranked.slice(0, k).forEach((id, i) => {
    const gain = gains.get(id) ?? 0;
    if (gain <= 0) return;
    dcg += gain / Math.log2(i + 2);
    found++;
    if (rr === 0) rr = 1 / (i + 1);
  });
  const ideal = [...gains.values()].filter((g) => g > 0).sort((a, b) => b - a);
  const idcg = ideal.slice(0, k).reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  return { ndcg: idcg > 0 ? dcg / idcg : 0, recall: ideal.length > 0 ? found / ideal.length : 0, rr };
}

export function meanOf(all: readonly QueryMetrics[]): QueryMetrics {
  const n = all.length || 1;
  const sum = (pick: (m: QueryMetrics) => number) => all.reduce((s, m) => s + pick(m), 0) / n;
  return { ndcg: sum((m) => m.ndcg), recall: sum((m) => m.recall), rr: sum((m) => m.rr) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

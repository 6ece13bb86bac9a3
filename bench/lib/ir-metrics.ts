/**
 * @module
 * Ranking metrics at a cut-off: nDCG (linear graded gains, the ideal ranking from every judged document),
 * recall and reciprocal rank, for one query's ranked document ids.
 */
export type QueryMetrics = { ndcg: number; recall: number; rr: number };

export function metricsAt(k: number, ranked: readonly string[], gains: ReadonlyMap<string, number>): QueryMetrics {
  const top = ranked.slice(0, k);
  let dcg = 0;
  let found = 0;
  let rr = 0;
  top.forEach((id, i) => {
    const g = gains.get(id) ?? 0;
    if (g <= 0) return;
    dcg += g / Math.log2(i + 2);
    found++;
    if (rr === 0) rr = 1 / (i + 1);
  });
  const ideal = [...gains.values()].filter((g) => g > 0).sort((a, b) => b - a);
  const idcg = ideal.slice(0, k).reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
  return { ndcg: idcg ? dcg / idcg : 0, recall: ideal.length ? found / ideal.length : 0, rr };
}

export function meanMetrics(all: readonly QueryMetrics[]): QueryMetrics {
  const n = all.length || 1;
  return {
    ndcg: all.reduce((s, m) => s + m.ndcg, 0) / n,
    recall: all.reduce((s, m) => s + m.recall, 0) / n,
    rr: all.reduce((s, m) => s + m.rr, 0) / n,
  };
}

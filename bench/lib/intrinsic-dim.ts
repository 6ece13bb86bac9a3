/**
 * @module
 * Intrinsic-dimensionality estimators, to check that synthetic benchmark vectors look like real embeddings:
 * TwoNN (Facco et al. 2017: the ratio of each point's second to first neighbour distance; linear fit through the
 * origin over the lowest 90% of ratios) and Levina–Bickel MLE over k neighbours (averaged per point). Both run on
 * the cosine (chord) distance of a small sample, O(n²·d): meant for ~1,000 vectors.
 */

export type Shape = {
  count: number;
  twoNN: number;
  levinaBickel10: number;
  meanPairCosine: number;
  meanNeighbourCosine: number;
};

export function measureShape(vectors: readonly Float32Array[], k = 10): Shape {
  const n = vectors.length;
  const unit = vectors.map((v) => {
    let s = 0;
    for (const x of v) s += x * x;
    const inv = 1 / Math.sqrt(s);
    return v.map((x) => x * inv);
  });
  const ratios: number[] = [];
  let lbSum = 0;
  let pairCos = 0;
  let pairs = 0;
  let nnCos = 0;
  for (let i = 0; i < n; i++) {
    const distances: number[] = [];
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      let dot = 0;
      const a = unit[i]!;
      const b = unit[j]!;
      for (let x = 0; x < a.length; x++) dot += a[x]! * b[x]!;
      if (j > i) {
        pairCos += dot;
        pairs++;
      }
      const d = Math.sqrt(Math.max(0, 2 - 2 * dot));
      if (d > 1e-6) distances.push(d);
    }
    distances.sort((a, b) => a - b);
    ratios.push(distances[1]! / distances[0]!);
    nnCos += 1 - distances[0]! ** 2 / 2;
    let logs = 0;
    for (let j = 0; j < k - 1; j++) logs += Math.log(distances[k - 1]! / distances[j]!);
    lbSum += (k - 2) / logs;
  }
  ratios.sort((a, b) => a - b);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < Math.floor(ratios.length * 0.9); i++) {
    const x = Math.log(ratios[i]!);
    const y = -Math.log(1 - (i + 1) / ratios.length);
    sxy += x * y;
    sxx += x * x;
  }
  return {
    count: n,
    twoNN: sxy / sxx,
    levinaBickel10: lbSum / n,
    meanPairCosine: pairCos / pairs,
    meanNeighbourCosine: nnCos / n,
  };
}

/**
 * @module
 * Synthetic benchmark vectors shaped like real sentence embeddings, deterministic per seed.
 *
 * Why this shape: HNSW recall depends mostly on the data's intrinsic dimensionality, not on the 384 coordinates.
 * Real all-MiniLM-L6-v2 vectors (the 778 in `@sap-ux/fiori-docs-embeddings`) measure TwoNN ≈ 11–12 and
 * Levina–Bickel(k=10) ≈ 14–15, with a shared direction (mean pairwise cosine ≈ 0.48, mean nearest-neighbour
 * cosine ≈ 0.83). The previous generator (64 Gaussian centres + isotropic 384-d noise) measured TwoNN ≈ 57 with
 * mean pairwise cosine ≈ 0: it made HNSW look far worse than it is on text. Here a point is a topic centre in a
 * LATENT-dimensional space plus spread, lifted to 384-d by a fixed random linear map, plus a shared mean direction
 * and a little full-rank noise, then L2-normalised. The constants were fitted so the estimators in
 * bench/lib/intrinsic-dim.ts read about the same on 778 generated vectors as on the real ones (TwoNN 12.1, L–B 13.5, pairwise 0.44, neighbour 0.82); the vectors benchmark
 * prints both side by side on every run.
 */
import { prng } from "./corpus.js";

export const DIMENSIONS = 384;
const LATENT = 20;
const TOPICS = 1_000;
const SPREAD = 0.8;
const MEAN = 5.5;
const NOISE = 0.3;

function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** The fixed parts every source shares (same seed → same space), so queries and rows live in one space. */
function space() {
  const g = gaussian(prng(1234));
  const scale = 1 / Math.sqrt(DIMENSIONS);
  const lift = Array.from({ length: LATENT }, () => Float32Array.from({ length: DIMENSIONS }, () => g() * scale));
  const mean = Float32Array.from({ length: DIMENSIONS }, () => g() * scale * MEAN);
  const topics = Array.from({ length: TOPICS }, () => Float32Array.from({ length: LATENT }, g));
  return { lift, mean, topics };
}

export function vectorSource(seed: number) {
  const { lift, mean, topics } = space();
  const random = prng(seed);
  const normal = gaussian(random);
  const noise = NOISE / Math.sqrt(DIMENSIONS);
  return function next(): Float32Array {
    const topic = topics[Math.floor(random() * TOPICS)]!;
    const v = Float32Array.from(mean);
    for (let j = 0; j < DIMENSIONS; j++) v[j]! += noise * normal();
    for (let i = 0; i < LATENT; i++) {
      const z = topic[i]! + SPREAD * normal();
      const row = lift[i]!;
      for (let j = 0; j < DIMENSIONS; j++) v[j]! += z * row[j]!;
    }
    let norm = 0;
    for (let j = 0; j < DIMENSIONS; j++) norm += v[j]! * v[j]!;
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < DIMENSIONS; j++) v[j]! *= inv;
    return v;
  };
}

/** pgvector's text form. */
export function literal(v: Float32Array): string {
  let s = "[";
  for (let i = 0; i < v.length; i++) s += (i ? "," : "") + v[i]!.toFixed(6);
  return `${s}]`;
}

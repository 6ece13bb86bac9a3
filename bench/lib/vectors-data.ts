/**
 * @module
 * Synthetic clustered unit vectors, deterministic per seed: `centroids` Gaussian cluster centres, each point a
 * centre plus Gaussian noise, L2-normalised. Clustered (not uniform) data is what gives nearest-neighbour search,
 * and so recall, a meaning.
 */
import { prng } from "./corpus.js";

export const DIMENSIONS = 384;
const CENTROIDS = 64;
const NOISE = 0.8;

function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export function vectorSource(seed: number) {
  const centres = gaussian(prng(1234));
  const centroids = Array.from({ length: CENTROIDS }, () => Float32Array.from({ length: DIMENSIONS }, centres));
  const random = prng(seed);
  const normal = gaussian(random);
  return function next(): Float32Array {
    const centre = centroids[Math.floor(random() * CENTROIDS)]!;
    const v = new Float32Array(DIMENSIONS);
    let norm = 0;
    for (let i = 0; i < DIMENSIONS; i++) {
      v[i] = centre[i]! + NOISE * normal();
      norm += v[i]! * v[i]!;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < DIMENSIONS; i++) v[i]! *= scale;
    return v;
  };
}

/** pgvector's text form. */
export function literal(v: Float32Array): string {
  let s = "[";
  for (let i = 0; i < v.length; i++) s += (i ? "," : "") + v[i]!.toFixed(6);
  return `${s}]`;
}

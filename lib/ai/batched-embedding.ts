/**
 * @module
 * What every remote embedder does around the provider call: split into batches,
 * send them one after another (bounded pressure on rate limits), check that each
 * answer has one finite vector of the promised size per input, and turn any
 * failure into `EmbeddingFailed` with a credential-free message.
 */
import { describeFailure, EmbeddingFailed, isAbortError, redact } from "./errors.js";

export type BatchedEmbeddingOptions = {
  id: string;
  dimensions: number;
  batchSize: number;
  /** Strings to scrub from error messages (API keys). */
  secrets?: ReadonlyArray<string | undefined>;
  embedBatch: (batch: string[], signal: AbortSignal | undefined) => Promise<number[][]>;
};

export async function embedInBatches(
  texts: string[],
  signal: AbortSignal | undefined,
  opts: BatchedEmbeddingOptions,
): Promise<number[][]> {
  const out: number[][] = [];
  for (let start = 0; start < texts.length; start += opts.batchSize) {
    const batch = texts.slice(start, start + opts.batchSize);
    let vectors: number[][];
    try {
      vectors = await opts.embedBatch(batch, signal);
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) throw error;
      const { detail, attempts } = describeFailure(error);
      const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
      throw new EmbeddingFailed(
        redact(`embedding with ${opts.id} failed${tries}: ${detail}`, opts.secrets),
        opts.id,
        attempts,
        { cause: error },
      );
    }
    checkVectors(vectors, batch.length, start, opts);
    out.push(...vectors);
  }
  return out;
}

function checkVectors(vectors: unknown, expected: number, offset: number, opts: BatchedEmbeddingOptions): void {
  function fail(why: string): never {
    throw new EmbeddingFailed(`embedding with ${opts.id} returned an unusable answer: ${why}`, opts.id, 1);
  }
  if (!Array.isArray(vectors)) fail("no list of vectors");
  if (vectors.length !== expected) fail(`${vectors.length} vectors for ${expected} inputs`);
  for (let i = 0; i < vectors.length; i++) {
    const v: unknown = vectors[i];
    if (!Array.isArray(v)) fail(`input ${offset + i} has no vector`);
    if (v.length !== opts.dimensions) {
      fail(
        `input ${offset + i} got a vector of ${v.length} dimensions, but ${opts.dimensions} are configured ` +
          "(the model and the configured dimension count disagree; fix EMBEDDING_DIMENSIONS or the model)",
      );
    }
    if (!v.every((x) => typeof x === "number" && Number.isFinite(x))) {
      fail(`input ${offset + i} got a vector with a non-finite value`);
    }
  }
}

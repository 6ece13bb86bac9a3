/**
 * @module
 * The two capabilities the memory service needs from AI providers: turning text
 * into vectors ({@link Embedder}) and turning a prompt into an answer
 * ({@link TextGenerator}). Everything provider-specific stays behind these.
 */

/** Turns texts into fixed-length vectors, one per input, in input order. */
export interface Embedder {
  /** Stable identity of the vector space, e.g. `"offline-hash-v1"`, `"openai:text-embedding-3-small"`. */
  readonly id: string;
  readonly dimensions: number;
  /** Longest input (in the provider's tokens) worth sending; chunkers size chunks below it. */
  readonly maxTokens: number;
  /**
   * Rejects with `EmbeddingFailed` on provider or shape errors. An abort rejects
   * with the abort error itself, so cancellation stays distinguishable.
   */
  embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<number[][]>;
}

export type TokenUsage = { inputTokens?: number; outputTokens?: number };

export type GenerateRequest = {
  system: string;
  prompt: string;
  maxOutputTokens?: number;
  signal?: AbortSignal;
};

/**
 * Text deltas of one generation. Iterate it once. `usage` settles when the
 * iteration ends: it resolves with the provider's token counts (an empty object
 * when the consumer stopped early), and rejects with the same `GenerationFailed`
 * the iteration threw. It never causes an unhandled rejection when ignored.
 */
export interface TextStream extends AsyncIterable<string> {
  readonly usage: Promise<TokenUsage>;
}

export interface TextGenerator {
  readonly id: string;
  /** Budget for system + prompt; the caller assembles context below it. Not enforced here. */
  readonly maxInputTokens: number;
  /** Rejects with `GenerationFailed`; an abort rejects with the abort error itself. */
  generate(req: GenerateRequest): Promise<{ text: string; usage: TokenUsage }>;
  /** Nothing is sent until the stream is iterated. */
  stream(req: GenerateRequest): TextStream;
}

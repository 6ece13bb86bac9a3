/**
 * @module
 * The untrusted part of ingestion for one file: extract its text and cut it into chunks, within the caps of
 * `lib/extract/limits.ts`. Pure and self-contained (bytes and plain options in, plain chunks out), so Node can
 * run it in a worker thread and Workers inline, with the same results.
 */
import { ValidationError } from "../errors.js";
import { checkLimit, type ExtractLimits, type ExtractServices, extract } from "../extract/index.js";
import { type Chunk, countTokens, partition, partitionOptionsFromArgs } from "../partition/index.js";
import { chunkContext, embeddingText } from "./chunk-context.js";
import { atStage } from "./stage.js";

export { atStage, type PrepareStage, stageOf } from "./stage.js";

export type PrepareInput = {
  bytes: Uint8Array;
  fileName?: string;
  contentType?: string;
  /** The stored file's name (default `fileName`): with the extracted title, it makes the chunks' contextual header. */
  documentName?: string;
  /** The upload's `args` (partitioning overrides). */
  args?: Record<string, unknown> | null;
  /** The embedder's token limit per chunk. */
  maxTokens: number;
  limits: ExtractLimits;
  /** Chunks the document's earlier files already used; the cap is per document. */
  chunksBefore: number;
};

/**
 * `context`: the header every chunk of the file is embedded and indexed with (see chunk-context.ts).
 * `notes`: why text is missing (see `Extracted`); the pipeline reports a document with no chunks as empty.
 */
export type Prepared = { mimeType: string; chunks: Chunk[]; context: string; notes?: string[] };

/** `services`: what this runtime gives extraction (Node's OCR engine); Workers give none. */
export async function prepareFile(input: PrepareInput, services: ExtractServices = {}): Promise<Prepared> {
  const extracted = await extract(
    {
      bytes: input.bytes,
      ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
      ...(input.contentType !== undefined ? { contentType: input.contentType } : {}),
    },
    input.limits,
    services,
  );
  try {
    const parsed = partitionOptionsFromArgs(input.args ?? undefined);
    if ("error" in parsed) throw new ValidationError(parsed.error);
    const title = extracted.title;
    const context = chunkContext({ name: input.documentName ?? input.fileName ?? "", ...(title ? { title } : {}) });
    // The header travels with every chunk to the embedder, so it comes out of the embedder's token budget.
    const maxTokens = Math.max(64, input.maxTokens - countTokens(embeddingText(context, "")));
    const chunks = partition(extracted.sections, parsed.options, { maxTokens });
    const total = input.chunksBefore + chunks.length;
    checkLimit(input.limits, "maxChunks", total, `the document makes ${total} chunks`);
    const notes = extracted.notes?.length ? { notes: extracted.notes } : {};
    return { mimeType: extracted.mimeType, chunks, context, ...notes };
  } catch (error) {
    throw atStage(error, "partition");
  }
}

/**
 * @module
 * A document's files made ready to embed, the same way for one document (`pipeline.ts`) and for a batch
 * (`batch.ts`): each file's bytes (or, for a `content.url` file, the page it points at, fetched now through the
 * guard) are prepared where this runtime parses files (`ctx.prepare`, within the caps), the chunk cap counted
 * across the document, and the chunks become rows keyed by their content hash (the embedding cache's key).
 */
import { ExtractionFailed } from "../extract/errors.js";
import { limitsFromConfig } from "../extract/limits.js";
import type { ChunkRecord } from "../store/chunk-store.js";
import type { DocumentToProcess } from "../store/memory-store.js";
import { embeddingText } from "./chunk-context.js";
import { sha256Hex } from "./hashing.js";
import type { Ingesting } from "./isolation.js";
import type { Prepared } from "./prepare.js";
import { type PrepareStage, stageOf } from "./stage.js";
import { fetchWebPage, WEB_PAGE_TYPE } from "./web-page.js";

export type PreparedFile = { file: DocumentToProcess["files"][number] } & Prepared;

/** Every file prepared, or the step (extract or partition) and error of the first that fails. */
export async function prepareFiles(
  ctx: Ingesting,
  doc: DocumentToProcess,
): Promise<{ files: PreparedFile[] } | { step: PrepareStage; error: unknown }> {
  const limits = limitsFromConfig(ctx.config);
  const files: PreparedFile[] = [];
  let chunkCount = 0;
  for (const file of doc.files) {
    try {
      if (file.content === null) {
        throw new ExtractionFailed({
          mimeType: file.contentType,
          fileName: file.name,
          reason: "its content is no longer stored; upload it again",
        });
      }
      const input =
        file.contentType === WEB_PAGE_TYPE && file.sourceUrl
          ? await webPageInput(ctx, file.sourceUrl)
          : { bytes: file.content, fileName: file.name, contentType: file.contentType };
      const result = await ctx.prepare({
        ...input,
        documentName: file.name,
        args: doc.args,
        maxTokens: ctx.embedder.maxTokens,
        limits,
        chunksBefore: chunkCount,
      });
      chunkCount += result.chunks.length;
      files.push({ file, ...result });
    } catch (error) {
      return { step: stageOf(error), error };
    }
  }
  return { files };
}

/** The chunk rows of a document's prepared files, each with its content hash (the embedding cache's key). */
export async function chunkDrafts(
  ctx: Pick<Ingesting, "embedder">,
  target: { index: string; documentId: string },
  prepared: ReadonlyArray<{ file: { fileId: string } } & Prepared>,
): Promise<ChunkRecord[]> {
  const drafts: ChunkRecord[] = [];
  for (const { file, chunks, mimeType, context } of prepared) {
    for (const chunk of chunks) {
      const contentHash = await sha256Hex(`${ctx.embedder.id}\n${embeddingText(context, chunk.text)}`);
      const id = await sha256Hex(
        `${target.index}\n${target.documentId}\n${file.fileId}\n${chunk.partitionNumber}\n${contentHash}`,
      );
      drafts.push({
        id: id.slice(0, 40),
        fileId: file.fileId,
        fileType: mimeType,
        partitionNumber: chunk.partitionNumber,
        sectionNumber: chunk.sectionNumber,
        ...(chunk.sectionName ? { sectionName: chunk.sectionName } : {}),
        text: chunk.text,
        context,
        contentHash,
      });
    }
  }
  return drafts;
}

/** A `content.url` file is the page it points at, fetched now through the guard. */
async function webPageInput(ctx: Ingesting, url: string) {
  const page = await fetchWebPage(ctx, url);
  const name = new URL(page.url).pathname.split("/").pop() || "index.html";
  return { bytes: page.bytes, fileName: name, contentType: page.contentType };
}

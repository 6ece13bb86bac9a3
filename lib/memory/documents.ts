/**
 * @module Document verbs: list an index's documents (keyset-paginated), read one with a page of its chunks,
 * change its tags without ingesting it again.
 */
import { NotFoundError } from "../errors.js";
import { type ChunkRecordOut, readDocumentDetail, replaceDocumentTags } from "../store/document-detail.js";
import { listDocumentPage } from "../store/memory-store.js";
import type { DocumentSummary, Reading, Tags } from "./types.js";

export async function listDocuments(
  ctx: Reading,
  index: string,
  page: { cursor?: string; limit: number },
): Promise<{ documents: DocumentSummary[]; nextCursor: string | null }> {
  const rows = await listDocumentPage(ctx.reader ?? ctx.db, index, { after: page.cursor, limit: page.limit + 1 });
  const documents = rows.slice(0, page.limit);
  return { documents, nextCursor: rows.length > page.limit ? documents[documents.length - 1]!.documentId : null };
}

/** One document: its status, tags, files and one page of its extracted chunks (`nextOffset` null on the last). */
export type DocumentDetail = DocumentSummary & {
  files: Array<DocumentSummary["files"][number] & { sourceUrl: string | null }>;
  error: { step: string; message: string } | null;
  totalChunks: number;
  chunks: ChunkRecordOut[];
  nextOffset: number | null;
};

export async function getDocument(
  ctx: Reading,
  index: string,
  documentId: string,
  page: { offset: number; limit: number },
): Promise<DocumentDetail> {
  // The primary, as upload-status reads: a client that saw `completed` there sees the chunks here.
  const found = await readDocumentDetail(ctx.db, index, documentId, page);
  if (!found) throw new NotFoundError("document", `${index}/${documentId}`);
  const { status, files, totalChunks, chunks } = found;
  const end = page.offset + chunks.length;
  return {
    index,
    documentId,
    tags: status.tags,
    completed: !status.failed && status.remainingSteps.length === 0,
    failed: status.failed,
    error: status.error,
    files,
    creation: status.creation.toISOString(),
    lastUpdate: status.lastUpdate.toISOString(),
    totalChunks,
    chunks,
    nextOffset: end < totalChunks && chunks.length > 0 ? end : null,
  };
}

/** Replaces the document's user tags (already validated as upload tags are); later searches filter by them. */
export async function updateDocumentTags(ctx: Reading, index: string, documentId: string, tags: Tags): Promise<void> {
  if (!(await replaceDocumentTags(ctx.db, index, documentId, tags))) {
    throw new NotFoundError("document", `${index}/${documentId}`);
  }
}

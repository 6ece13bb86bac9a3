/** @module Document verbs: delete one (idempotent) and list an index's documents, keyset-paginated. */
import { deleteDocumentById } from "../store/document-delete.js";
import { listDocumentPage } from "../store/memory-store.js";
import type { DocumentSummary, Reading } from "./types.js";

export async function deleteDocument(ctx: Reading, index: string, documentId: string): Promise<void> {
  await deleteDocumentById(ctx.db, index, documentId);
}

export async function listDocuments(
  ctx: Reading,
  index: string,
  page: { cursor?: string; limit: number },
): Promise<{ documents: DocumentSummary[]; nextCursor: string | null }> {
  const rows = await listDocumentPage(ctx.reader ?? ctx.db, index, { after: page.cursor, limit: page.limit + 1 });
  const documents = rows.slice(0, page.limit);
  return { documents, nextCursor: rows.length > page.limit ? documents[documents.length - 1]!.documentId : null };
}

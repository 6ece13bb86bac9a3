/** @module Document verbs: list an index's documents, keyset-paginated. */
import { listDocumentPage } from "../store/memory-store.js";
import type { DocumentSummary, Reading } from "./types.js";

export async function listDocuments(
  ctx: Reading,
  index: string,
  page: { cursor?: string; limit: number },
): Promise<{ documents: DocumentSummary[]; nextCursor: string | null }> {
  const rows = await listDocumentPage(ctx.reader ?? ctx.db, index, { after: page.cursor, limit: page.limit + 1 });
  const documents = rows.slice(0, page.limit);
  return { documents, nextCursor: rows.length > page.limit ? documents[documents.length - 1]!.documentId : null };
}

/**
 * @module
 * The memory store's SQL for deleting one document, apart from `memory-store.ts` so that file stays small.
 */
import type { Db } from "../db/index.js";

/**
 * Deletes the document (its files, chunks and job cascade) and the cached embeddings of its chunks that no other
 * chunk of the index uses: whoever deletes data expects its derived vectors gone too. (An index's embeddings
 * go with the index, by cascade.)
 */
export async function deleteDocumentById(db: Db, index: string, documentId: string): Promise<void> {
  await db.batch([
    {
      text: `delete from memory_embeddings e
              where e.index_name = $1
                and e.content_hash in (select content_hash from memory_chunks where index_name = $1 and document_id = $2)
                and not exists (select 1 from memory_chunks c
                                 where c.index_name = $1 and c.content_hash = e.content_hash and c.document_id <> $2)`,
      params: [index, documentId],
    },
    { text: "delete from memory_documents where index_name = $1 and document_id = $2", params: [index, documentId] },
  ]);
}

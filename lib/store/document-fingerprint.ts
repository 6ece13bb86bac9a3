/**
 * @module
 * The memory store's SQL for "is this upload what the document already holds?". A document's fingerprint is
 * written with its upload (saveUpload); an upload whose fingerprint matches a completed, not failed document
 * changes nothing, so it is answered without storing the files again or running the pipeline.
 */
import type { Db } from "../db/index.js";

/** True when the document exists, finished ingesting without failure, and was ingested from `fingerprint`. */
export async function isIngestedFrom(db: Db, index: string, documentId: string, fingerprint: string): Promise<boolean> {
  const rows = await db.query(
    `select 1 from memory_documents
      where index_name = $1 and document_id = $2 and ingest_fingerprint = $3
        and not failed and cardinality(remaining_steps) = 0`,
    [index, documentId, fingerprint],
  );
  return rows.length > 0;
}

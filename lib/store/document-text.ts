/**
 * @module
 * The stored text of one document, as its chunks hold it (extracted and
 * partitioned, in order): what an MCP client reads when it opens a document
 * resource. Part of the memory store's SQL, beside `memory-store.ts`.
 */
import type { Db } from "../db/index.js";

export type DocumentText = { fileId: string; name: string; partitions: string[] };

/** Files in id order, each with its partitions in order; `[]` for an unknown or not yet ingested document. */
export async function readDocumentText(db: Db, index: string, documentId: string): Promise<DocumentText[]> {
  const rows = await db.query<{ file_id: string; name: string | null; text: string }>(
    `select c.file_id, f.name, c.text
       from memory_chunks c
       left join memory_files f
         on f.index_name = c.index_name and f.document_id = c.document_id and f.file_id = c.file_id
      where c.index_name = $1 and c.document_id = $2
      order by c.file_id, c.partition_number`,
    [index, documentId],
  );
  const files: DocumentText[] = [];
  for (const row of rows) {
    let file = files[files.length - 1];
    if (!file || file.fileId !== row.file_id) {
      file = { fileId: row.file_id, name: row.name ?? row.file_id, partitions: [] };
      files.push(file);
    }
    file.partitions.push(row.text);
  }
  return files;
}

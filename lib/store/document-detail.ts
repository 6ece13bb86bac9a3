/**
 * @module
 * One document as stored: its status row, files and one page of its chunks (`readDocumentDetail`), and the
 * replacement of its user tags on the document and on every chunk at once (`replaceDocumentTags`). Chunks
 * carry a copy of the document's tags (filters read them there) next to the system tags (`__document_id`,
 * `__file_id`, …), so a tag change rewrites the user part of each chunk's tags in the same statement as the
 * document's. Part of the memory store's SQL, beside `memory-store.ts`.
 */
import type { Db } from "../db/index.js";
import { type StatusRow, statusFromRow } from "./memory-store.js";
import type { DocumentRecord, StatusRecord, Tags } from "./records.js";

export type ChunkRecordOut = {
  fileId: string;
  partitionNumber: number;
  sectionNumber: number;
  text: string;
  tags: Tags;
};

export type DocumentDetailRecord = {
  status: StatusRecord;
  files: Array<DocumentRecord["files"][number] & { sourceUrl: string | null }>;
  totalChunks: number;
  chunks: ChunkRecordOut[];
};

type Row = StatusRow & {
  files: DocumentDetailRecord["files"];
  total: number;
  chunks: ChunkRecordOut[];
};

/** The document with chunks `offset .. offset + limit - 1` in file and partition order; undefined when unknown. */
export async function readDocumentDetail(
  db: Db,
  index: string,
  documentId: string,
  page: { offset: number; limit: number },
): Promise<DocumentDetailRecord | undefined> {
  const [row] = await db.query<Row>(
    `select d.index_name, d.document_id, d.tags, d.steps, d.completed_steps, d.remaining_steps, d.failed, d.error, d.empty_reason, d.creation,
            d.last_update,
            (select coalesce(jsonb_agg(jsonb_build_object('fileId', f.file_id, 'name', f.name,
                      'contentType', f.content_type, 'size', f.size, 'sourceUrl', f.source_url)
                      order by f.file_id), '[]'::jsonb)
               from memory_files f where f.index_name = d.index_name and f.document_id = d.document_id) as files,
            (select count(*)::int from memory_chunks c
              where c.index_name = d.index_name and c.document_id = d.document_id) as total,
            (select coalesce(jsonb_agg(jsonb_build_object('fileId', p.file_id, 'partitionNumber', p.partition_number,
                      'sectionNumber', p.section_number, 'text', p.text, 'tags', p.tags)
                      order by p.file_id, p.partition_number), '[]'::jsonb)
               from (select c.file_id, c.partition_number, c.section_number, c.text, c.tags from memory_chunks c
                      where c.index_name = d.index_name and c.document_id = d.document_id
                      order by c.file_id, c.partition_number offset $3 limit $4) p) as chunks
       from memory_documents d
      where d.index_name = $1 and d.document_id = $2`,
    [index, documentId, page.offset, page.limit],
  );
  if (!row) return undefined;
  return {
    status: statusFromRow(row),
    files: row.files,
    totalChunks: row.total,
    chunks: row.chunks,
  };
}

/**
 * Sets the document's user tags to `tags`, on the document and on every chunk, in one transaction (a search
 * sees the old tags or the new ones, never a mix); the chunks keep their system (`__`) tags. The document's row
 * is locked first, as saving chunks locks it (`replaceChunks`, which stamps new chunks with the row's tags), so
 * an ingestion saving at the same time commits wholly before or after. False when the document does not exist.
 */
export async function replaceDocumentTags(db: Db, index: string, documentId: string, tags: Tags): Promise<boolean> {
  const list = Object.entries(tags).flatMap(([key, values]) => values.map((v) => `${key}:${v}`));
  const where = "index_name = $1 and document_id = $2";
  const [locked] = await db.batch([
    { text: `select 1 from memory_documents where ${where} for update`, params: [index, documentId] },
    {
      text: `update memory_documents set tags = $3::jsonb where ${where}`,
      params: [index, documentId, JSON.stringify(tags)],
    },
    {
      // A statement of its own after the lock: it sees chunks a save committed while this waited for the row.
      text: `update memory_chunks c
                set tags = $3::jsonb || coalesce((select jsonb_object_agg(e.key, e.value) from jsonb_each(c.tags) e
                                                  where left(e.key, 2) = '__'), '{}'::jsonb),
                    tag_list = $4::text[] || array(select t from unnest(c.tag_list) t where left(t, 2) = '__')
              where c.index_name = $1 and c.document_id = $2`,
      params: [index, documentId, JSON.stringify(tags), list],
    },
  ]);
  return (locked?.length ?? 0) > 0;
}

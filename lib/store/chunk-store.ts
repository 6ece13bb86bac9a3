/**
 * @module
 * The memory store's chunk writes: the atomic, generation-guarded replace of a
 * document's chunks, whose vectors come from the per-index embedding cache
 * (ingest-steps.ts writes it) inside the database, never through the client.
 * Part of the memory store with `memory-store.ts`.
 */
import type { Db, Statement } from "../db/index.js";
import { completedWith } from "./ingest-steps.js";
import { whereGeneration } from "./memory-store.js";
import type { Tags } from "./records.js";

export type ChunkRecord = {
  id: string;
  fileId: string;
  fileType: string;
  partitionNumber: number;
  sectionNumber: number;
  text: string;
  /** The contextual header (title / file name) the chunk is embedded and indexed with; not part of `text`. */
  context: string;
  /** The chunk's embedding is read from memory_embeddings by this hash (cacheEmbeddings wrote it). */
  contentHash: string;
  /** The section's name where it has one (an XLSX worksheet): stored as the system tag `__sect_name`. */
  sectionName?: string;
};

const INSERT_SLICE = 200;

/**
 * Replaces a document's chunks in one transaction: readers see the old set or
 * the new one, never none and never both. A run whose generation is stale (the
 * document was uploaded again meanwhile) changes nothing.
 */
export async function replaceChunks(
  db: Db,
  input: {
    index: string;
    documentId: string;
    generation: number;
    /**
     * The tags the run loaded. Not what is stored: tags may change while a document is ingested (PATCH
     * /documents/{id}), so the chunks get the document row's tags as they are when the chunks are saved.
     */
    tags: Tags;
    chunks: ChunkRecord[];
    /** Keep the uploaded bytes (GET /download) instead of dropping them once the chunks are saved. */
    keepFiles?: boolean;
    /** Why the document has no chunks (stored as `empty_reason`; null clears an earlier generation's). */
    emptyReason?: string | null;
  },
): Promise<boolean> {
  const { index, documentId, generation } = input;
  const current = `exists (select 1 from memory_documents d
                     where d.index_name = $1 and d.document_id = $2 and d.generation = $3)`;
  const statements: Statement[] = [
    // Row lock first: a concurrent re-upload waits for this commit, so the checks below stay true.
    {
      text: "select generation from memory_documents where index_name = $1 and document_id = $2 for update",
      params: [index, documentId],
    },
    {
      text: `delete from memory_chunks where index_name = $1 and document_id = $2 and ${current}`,
      params: [index, documentId, generation],
    },
  ];
  const rows = input.chunks.map((chunk) => ({ doc: input, chunk }));
  statements.push(...chunkInserts(rows, INSERT_SLICE));
  // Original files are kept for download unless KEEP_ORIGINAL_FILES=false; then their bytes are cleared in the
  // same statement that marks the document saved (one round trip either way).
  const clearFiles = input.keepFiles
    ? ""
    : `with cleared as (
             update memory_files set content = null where index_name = $1 and document_id = $2 and ${current})
           `;
  statements.push({
    text: `${clearFiles}update memory_documents
              set completed_steps = ${completedWith("array['gen_embeddings', 'save_records']::text[]")},
                  remaining_steps = '{}', last_update = now(), empty_reason = $4
            where ${whereGeneration} returning 1 as done`,
    params: [index, documentId, generation, input.emptyReason ?? null],
  });
  const results = await db.batch(statements);
  return (results[results.length - 1]?.length ?? 0) > 0;
}

/**
 * The inserts of chunks, `slice` rows a statement, for one document or many (`batch-ingest.ts`). A chunk is
 * written only while its document is at `generation`; its vector comes from the index's embedding cache.
 */
export function chunkInserts(
  rows: ReadonlyArray<{ doc: { index: string; documentId: string; generation: number }; chunk: ChunkRecord }>,
  slice: number,
): Statement[] {
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += slice) {
    const part = rows.slice(i, i + slice);
    const col = <T>(f: (r: (typeof part)[number]) => T) => part.map(f);
    statements.push({
      text: `insert into memory_chunks
               (id, index_name, document_id, file_id, partition_number, section_number, text, context,
                content_hash, embedding, tags, tag_list)
             select u.id, u.index_name, u.document_id, u.file_id, u.pn, u.sn, u.body, u.ctx, u.hash, e.embedding,
                    -- The document row's tags as they are now, under its lock (PATCH /documents/{id} may have
                    -- changed them since the run loaded it), plus __document_id.
                    d.tags || jsonb_build_object('__document_id', jsonb_build_array(d.document_id),
                      '__file_id', jsonb_build_array(u.file_id), '__file_type', jsonb_build_array(u.file_type),
                      '__part_n', jsonb_build_array(u.pn::text), '__sect_n', jsonb_build_array(u.sn::text))
                      || case when u.sname is null then '{}'::jsonb
                              else jsonb_build_object('__sect_name', jsonb_build_array(u.sname)) end,
                    array(select t.key || ':' || v from jsonb_each(d.tags) t, jsonb_array_elements_text(t.value) v)
                      || array['__document_id:' || d.document_id, '__file_id:' || u.file_id,
                               '__file_type:' || u.file_type, '__part_n:' || u.pn, '__sect_n:' || u.sn]
                      || case when u.sname is null then '{}'::text[] else array['__sect_name:' || u.sname] end
               from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[],
                           $8::int[], $9::text[], $10::text[], $11::text[], $12::text[])
                    as u(index_name, document_id, generation, id, file_id, file_type, pn, sn, body, hash, ctx, sname)
               join memory_documents d on d.index_name = u.index_name and d.document_id = u.document_id
                and d.generation = u.generation
               -- A left join: a missing cache row fails loudly (embedding is NOT NULL), never drops a chunk.
               left join memory_embeddings e on e.index_name = u.index_name and e.content_hash = u.hash`,
      params: [
        col((r) => r.doc.index),
        col((r) => r.doc.documentId),
        col((r) => r.doc.generation),
        col((r) => r.chunk.id),
        col((r) => r.chunk.fileId),
        col((r) => r.chunk.fileType),
        col((r) => r.chunk.partitionNumber),
        col((r) => r.chunk.sectionNumber),
        col((r) => r.chunk.text),
        col((r) => r.chunk.contentHash),
        col((r) => r.chunk.context),
        col((r) => r.chunk.sectionName ?? null),
      ],
    });
  }
  return statements;
}

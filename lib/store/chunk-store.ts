/**
 * @module
 * The memory store's chunk writes: the per-index embedding cache (so no crash
 * or retry pays for a vector twice) and the atomic, generation-guarded replace
 * of a document's chunks. Part of the memory store with `memory-store.ts`.
 */
import type { Db, Statement } from "../db/index.js";
import { whereGeneration } from "./memory-store.js";
import type { Tags } from "./records.js";
/** Embeddings already computed in this index for these content hashes (text form, e.g. "[0.1,...]"). */
export async function existingEmbeddings(db: Db, index: string, hashes: string[]): Promise<Map<string, string>> {
  if (hashes.length === 0) return new Map();
  const rows = await db.query<{ content_hash: string; embedding: string }>(
    `select content_hash, embedding::text as embedding
       from memory_embeddings where index_name = $1 and content_hash = any($2::text[])`,
    [index, hashes],
  );
  return new Map(rows.map((r) => [r.content_hash, r.embedding]));
}

/** Keeps freshly computed embeddings, so no crash or retry pays for them twice. */
export async function cacheEmbeddings(db: Db, index: string, entries: Array<[hash: string, embedding: string]>) {
  for (let i = 0; i < entries.length; i += INSERT_SLICE) {
    const slice = entries.slice(i, i + INSERT_SLICE);
    await db.query(
      `insert into memory_embeddings (index_name, content_hash, embedding)
       select $1, h, e::vector from unnest($2::text[], $3::text[]) as u(h, e)
       on conflict (index_name, content_hash) do nothing`,
      [index, slice.map(([h]) => h), slice.map(([, e]) => e)],
    );
  }
}

export type ChunkRecord = {
  id: string;
  fileId: string;
  fileType: string;
  partitionNumber: number;
  sectionNumber: number;
  text: string;
  contentHash: string;
  /** pgvector text form. */
  embedding: string;
};

const INSERT_SLICE = 200;

/**
 * Replaces a document's chunks in one transaction: readers see the old set or
 * the new one, never none and never both. A run whose generation is stale (the
 * document was uploaded again meanwhile) changes nothing.
 */
export async function replaceChunks(
  db: Db,
  input: { index: string; documentId: string; generation: number; tags: Tags; chunks: ChunkRecord[] },
): Promise<boolean> {
  const { index, documentId, generation } = input;
  const current = `exists (select 1 from memory_documents d
                     where d.index_name = $1 and d.document_id = $2 and d.generation = $3)`;
  const docTags: Tags = { ...input.tags, __document_id: [documentId] };
  const docTagList = Object.entries(docTags).flatMap(([k, vs]) => vs.map((v) => `${k}:${v}`));
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
  for (let i = 0; i < input.chunks.length; i += INSERT_SLICE) {
    const slice = input.chunks.slice(i, i + INSERT_SLICE);
    statements.push({
      text: `insert into memory_chunks
               (id, index_name, document_id, file_id, partition_number, section_number, text, content_hash,
                embedding, tags, tag_list)
             select u.id, $1, $2, u.file_id, u.pn, u.sn, u.body, u.hash, u.emb::vector,
                    $4::jsonb || jsonb_build_object(
                      '__file_id', jsonb_build_array(u.file_id), '__file_type', jsonb_build_array(u.file_type),
                      '__part_n', jsonb_build_array(u.pn::text), '__sect_n', jsonb_build_array(u.sn::text)),
                    $5::text[] || array['__file_id:' || u.file_id, '__file_type:' || u.file_type,
                                        '__part_n:' || u.pn, '__sect_n:' || u.sn]
               from unnest($6::text[], $7::text[], $8::text[], $9::int[], $10::int[], $11::text[], $12::text[], $13::text[])
                    as u(id, file_id, file_type, pn, sn, body, hash, emb)
              where ${current}`,
      params: [
        index,
        documentId,
        generation,
        JSON.stringify(docTags),
        docTagList,
        slice.map((c) => c.id),
        slice.map((c) => c.fileId),
        slice.map((c) => c.fileType),
        slice.map((c) => c.partitionNumber),
        slice.map((c) => c.sectionNumber),
        slice.map((c) => c.text),
        slice.map((c) => c.contentHash),
        slice.map((c) => c.embedding),
      ],
    });
  }
  statements.push(
    {
      text: `update memory_documents
                set completed_steps = array_append(array_remove(completed_steps, 'save_records'), 'save_records'),
                    remaining_steps = '{}', last_update = now()
              where ${whereGeneration} returning 1 as done`,
      params: [index, documentId, generation],
    },
    {
      text: `update memory_files set content = null where index_name = $1 and document_id = $2 and ${current}`,
      params: [index, documentId, generation],
    },
  );
  const results = await db.batch(statements);
  return (results[results.length - 2]?.length ?? 0) > 0;
}

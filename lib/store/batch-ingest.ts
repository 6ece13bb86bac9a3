/**
 * @module
 * The memory store's SQL for a batch of pipeline runs: many small documents cost a handful of round trips in
 * all, not a handful each. Set-based statements over `unnest`ed keys: one read of the documents and their
 * (small) files, one embedding-cache lookup, and one transaction that caches the fresh embeddings and replaces
 * every document's chunks. Each document keeps its own semantics: the replace is guarded by its generation (a
 * document uploaded again meanwhile is left alone and reported superseded) and its status is written alone.
 */
import type { Db, Statement } from "../db/index.js";
import { type ChunkRecord, chunkInserts } from "./chunk-store.js";
import { readFileContent } from "./file-content.js";
import { completedWith } from "./ingest-steps.js";
import type { DocumentToProcess, ProcessingRow } from "./memory-store.js";
import type { Tags } from "./records.js";

export type DocumentKey = { index: string; documentId: string };
export type BatchTarget = DocumentKey & { generation: number };

/** Files up to this size come with the batch read; larger ones are read in slices (file-content.ts). */
const INLINE_BYTES = 256 * 1024;

export const keyOf = (d: DocumentKey): string => `${d.index}\n${d.documentId}`;

const KEYS = "unnest($1::text[], $2::text[]) as k(index_name, document_id)";

/** The documents to process, by `keyOf`; a missing document is absent from the map. */
export async function loadBatchForProcessing(
  db: Db,
  keys: readonly DocumentKey[],
): Promise<Map<string, DocumentToProcess>> {
  const rows = await db.query<ProcessingRow & { index_name: string; document_id: string; content: Uint8Array | null }>(
    `select d.index_name, d.document_id, d.generation, d.tags, d.args, d.completed_steps, f.file_id, f.name,
            f.content_type, f.source_url, f.sha256, case when f.content is not null then f.size end as content_size,
            case when length(f.content) <= ${INLINE_BYTES} then f.content end as content
       from ${KEYS}
       join memory_documents d on d.index_name = k.index_name and d.document_id = k.document_id
       left join memory_files f on f.index_name = d.index_name and f.document_id = d.document_id
      order by d.index_name, d.document_id, f.file_id`,
    [keys.map((k) => k.index), keys.map((k) => k.documentId)],
  );
  const docs = new Map<string, DocumentToProcess>();
  for (const r of rows) {
    const key = keyOf({ index: r.index_name, documentId: r.document_id });
    let doc = docs.get(key);
    if (!doc) {
      doc = {
        generation: Number(r.generation),
        tags: r.tags,
        args: r.args,
        completedSteps: r.completed_steps,
        files: [],
      };
      docs.set(key, doc);
    }
    if (r.file_id === null) continue;
    let content: Uint8Array | null = null;
    if (r.content_size !== null) {
      // A plain Uint8Array of its own (pdf.js refuses the Node Buffer the pool hands back).
      content =
        r.content !== null
          ? new Uint8Array(r.content)
          : await readFileContent(db, {
              index: r.index_name,
              documentId: r.document_id,
              fileId: r.file_id,
              sha256: r.sha256!,
              size: Number(r.content_size),
            });
    }
    doc.files.push({
      fileId: r.file_id,
      name: r.name!,
      contentType: r.content_type!,
      sourceUrl: r.source_url,
      content,
    });
  }
  return docs;
}

/** Which of the (index, hash) pairs already have a cached embedding, as `index\nhash` keys: one round trip. */
export async function findCachedBatch(
  db: Db,
  pairs: ReadonlyArray<{ index: string; hash: string }>,
): Promise<Set<string>> {
  if (!pairs.length) return new Set();
  const rows = await db.query<{ index_name: string; content_hash: string }>(
    `select e.index_name, e.content_hash
       from unnest($1::text[], $2::text[]) as k(index_name, content_hash)
       join memory_embeddings e on e.index_name = k.index_name and e.content_hash = k.content_hash`,
    [pairs.map((p) => p.index), pairs.map((p) => p.hash)],
  );
  return new Set(rows.map((r) => `${r.index_name}\n${r.content_hash}`));
}

export type BatchDocument = BatchTarget & { tags: Tags; chunks: ChunkRecord[] };

const SLICE = 500;

/**
 * One transaction: caches the fresh embeddings, then for every document whose generation is still current
 * replaces its chunks and records all its steps done (clearing its files' bytes unless `keepFiles`, and an
 * earlier generation's `empty_reason`: every document here has chunks). Returns
 * the keys of the documents saved; the others were uploaded again meanwhile (superseded).
 */
export async function saveBatch(
  db: Db,
  input: {
    documents: readonly BatchDocument[];
    embeddings: ReadonlyArray<{ index: string; hash: string; embedding: string }>;
    keepFiles: boolean;
  },
): Promise<Set<string>> {
  // Rows locked in one order, so two batches (or a batch and a re-upload) never wait on each other in a cycle.
  const docs = [...input.documents].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const keyParams = [docs.map((d) => d.index), docs.map((d) => d.documentId), docs.map((d) => d.generation)];
  const current = `join memory_documents d on d.index_name = k.index_name and d.document_id = k.document_id
                    and d.generation = k.generation`;
  const keys = "unnest($1::text[], $2::text[], $3::bigint[]) as k(index_name, document_id, generation)";
  const statements: Statement[] = [
    {
      text: `select 1 from memory_documents d join ${keys} on d.index_name = k.index_name
               and d.document_id = k.document_id order by d.index_name, d.document_id for update of d`,
      params: keyParams,
    },
  ];
  for (let i = 0; i < input.embeddings.length; i += SLICE) {
    const slice = input.embeddings.slice(i, i + SLICE);
    statements.push({
      text: `insert into memory_embeddings (index_name, content_hash, embedding)
             select i, h, e::vector from unnest($1::text[], $2::text[], $3::text[]) as u(i, h, e)
             on conflict (index_name, content_hash) do nothing`,
      params: [slice.map((e) => e.index), slice.map((e) => e.hash), slice.map((e) => e.embedding)],
    });
  }
  statements.push({
    text: `delete from memory_chunks c using ${keys} ${current}
            where c.index_name = k.index_name and c.document_id = k.document_id`,
    params: keyParams,
  });
  const rows = docs.flatMap((doc) => doc.chunks.map((chunk) => ({ doc, chunk })));
  statements.push(...chunkInserts(rows, SLICE));
  if (!input.keepFiles) {
    statements.push({
      text: `update memory_files f set content = null from ${keys} ${current}
              where f.index_name = k.index_name and f.document_id = k.document_id`,
      params: keyParams,
    });
  }
  const all = "array['extract', 'partition', 'gen_embeddings', 'save_records']::text[]";
  statements.push({
    text: `update memory_documents d
              set completed_steps = ${completedWith(all)}, remaining_steps = '{}', last_update = now(),
                  empty_reason = null
             from ${keys}
            where d.index_name = k.index_name and d.document_id = k.document_id and d.generation = k.generation
           returning d.index_name, d.document_id`,
    params: keyParams,
  });
  const results = await db.batch(statements);
  const saved = (results[results.length - 1] ?? []) as Array<{ index_name: string; document_id: string }>;
  return new Set(saved.map((r) => keyOf({ index: r.index_name, documentId: r.document_id })));
}

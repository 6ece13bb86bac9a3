/**
 * @module
 * The memory store's SQL for documents, files, pipeline status and chunks.
 * Its search SQL is in `chunk-search.ts` and its vector-space setup in
 * `embedding-space.ts`: together, this folder is the one place the memory
 * store's SQL lives. Writes are single statements or one atomic batch, so they
 * run unchanged over Neon's HTTP transport.
 */
import type { Db, Row, Statement } from "../db/index.js";
import type { DataPipelineStatus, DocumentSummary, PipelineStep, Tags } from "../memory/types.js";

// ---- uploads and pipeline status -------------------------------------------------------------

export type StoredFile = {
  fileId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  base64: string;
  sourceUrl?: string;
};

/**
 * Creates the index if needed, (re)places the document's files and enqueues its
 * ingestion job, all in one transaction: an accepted upload is never lost.
 */
export async function saveUpload(
  db: Db,
  input: {
    index: string;
    documentId: string;
    tags: Tags;
    steps: readonly PipelineStep[];
    args?: unknown;
    files: StoredFile[];
    maxAttempts: number;
  },
): Promise<{ generation: number; jobId: string }> {
  const key = [input.index, input.documentId];
  const results = await db.batch([
    { text: "insert into memory_indexes (name) values ($1) on conflict do nothing", params: [input.index] },
    {
      text: `insert into memory_documents (index_name, document_id, tags, steps, remaining_steps, args)
             values ($1, $2, $3::jsonb, $4::text[], $4::text[], $5::jsonb)
             on conflict (index_name, document_id) do update set
               tags = excluded.tags, steps = excluded.steps, completed_steps = '{}',
               remaining_steps = excluded.remaining_steps, failed = false, error = null, args = excluded.args,
               generation = memory_documents.generation + 1, last_update = now()
             returning generation`,
      params: [...key, JSON.stringify(input.tags), input.steps, input.args ? JSON.stringify(input.args) : null],
    },
    { text: "delete from memory_files where index_name = $1 and document_id = $2", params: key },
    ...input.files.map(
      (f): Statement => ({
        text: `insert into memory_files
                 (index_name, document_id, file_id, name, content_type, size, sha256, source_url, content)
               values ($1, $2, $3, $4, $5, $6, $7, $8, decode($9, 'base64'))`,
        params: [...key, f.fileId, f.name, f.contentType, f.size, f.sha256, f.sourceUrl ?? null, f.base64],
      }),
    ),
    {
      // Older generations' jobs are moot: their writes are generation-guarded and would change nothing.
      text: `update memory_jobs set state = 'done', last_error = 'superseded by a newer upload', updated_at = now()
              where index_name = $1 and document_id = $2 and state in ('queued', 'running')`,
      params: key,
    },
    {
      text: `insert into memory_jobs (index_name, document_id, generation, max_attempts)
             select $1, $2, generation, $3 from memory_documents where index_name = $1 and document_id = $2
             returning id::text as id, generation`,
      params: [...key, input.maxAttempts],
    },
  ]);
  const job = results[results.length - 1]![0] as { id: string; generation: string | number };
  return { generation: Number(job.generation), jobId: job.id };
}

type StatusRow = {
  index_name: string;
  document_id: string;
  tags: Tags;
  steps: string[];
  completed_steps: string[];
  remaining_steps: string[];
  failed: boolean;
  error: { step: string; message: string } | null;
  creation: Date;
  last_update: Date;
};

export async function readStatus(db: Db, index: string, documentId: string): Promise<DataPipelineStatus | undefined> {
  const [row] = await db.query<StatusRow>(
    `select index_name, document_id, tags, steps, completed_steps, remaining_steps, failed, error, creation, last_update
       from memory_documents where index_name = $1 and document_id = $2`,
    [index, documentId],
  );
  if (!row) return undefined;
  return {
    completed: !row.failed && row.remaining_steps.length === 0,
    failed: row.failed,
    empty: false,
    index: row.index_name,
    document_id: row.document_id,
    tags: row.tags,
    creation: new Date(row.creation).toISOString(),
    last_update: new Date(row.last_update).toISOString(),
    steps: row.steps,
    remaining_steps: row.remaining_steps,
    completed_steps: row.completed_steps,
    error: row.error,
  };
}

export type DocumentToProcess = {
  generation: number;
  tags: Tags;
  args: Record<string, unknown> | null;
  completedSteps: string[];
  files: Array<{ fileId: string; name: string; contentType: string; sourceUrl: string | null; base64: string | null }>;
};

export async function loadForProcessing(
  db: Db,
  index: string,
  documentId: string,
): Promise<DocumentToProcess | undefined> {
  const rows = await db.query<{
    generation: string | number;
    tags: Tags;
    args: Record<string, unknown> | null;
    completed_steps: string[];
    file_id: string | null;
    name: string | null;
    content_type: string | null;
    source_url: string | null;
    content: string | null;
  }>(
    `select d.generation, d.tags, d.args, d.completed_steps, f.file_id, f.name, f.content_type, f.source_url,
            encode(f.content, 'base64') as content
       from memory_documents d
       left join memory_files f on f.index_name = d.index_name and f.document_id = d.document_id
      where d.index_name = $1 and d.document_id = $2
      order by f.file_id`,
    [index, documentId],
  );
  const [first] = rows;
  if (!first) return undefined;
  return {
    generation: Number(first.generation),
    tags: first.tags,
    args: first.args,
    completedSteps: first.completed_steps,
    files: rows
      .filter((r) => r.file_id !== null)
      .map((r) => ({
        fileId: r.file_id!,
        name: r.name!,
        contentType: r.content_type!,
        sourceUrl: r.source_url,
        base64: r.content ? r.content.replace(/\s+/g, "") : null,
      })),
  };
}

const whereGeneration = "index_name = $1 and document_id = $2 and generation = $3";

export async function markStepDone(db: Db, index: string, documentId: string, generation: number, step: PipelineStep) {
  await db.query(
    `update memory_documents
        set completed_steps = array_append(array_remove(completed_steps, $4), $4),
            remaining_steps = array_remove(remaining_steps, $4), last_update = now()
      where ${whereGeneration}`,
    [index, documentId, generation, step],
  );
}

export async function markFailed(
  db: Db,
  index: string,
  documentId: string,
  generation: number,
  failure: { step: string; message: string },
) {
  await db.query(
    `update memory_documents set failed = true, error = $4::jsonb, last_update = now() where ${whereGeneration}`,
    [index, documentId, generation, JSON.stringify(failure)],
  );
}

// ---- chunks ----------------------------------------------------------------------------------

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

// ---- indexes and documents -------------------------------------------------------------------

export async function listIndexNames(db: Db): Promise<string[]> {
  return (await db.query<{ name: string }>("select name from memory_indexes order by name")).map((r) => r.name);
}

export async function deleteIndexNamed(db: Db, index: string): Promise<void> {
  await db.query("delete from memory_indexes where name = $1", [index]);
}

export async function listDocumentPage(
  db: Db,
  index: string,
  page: { after?: string; limit: number },
): Promise<DocumentSummary[]> {
  const rows = await db.query<Row & StatusRow & { files: DocumentSummary["files"] }>(
    `select d.index_name, d.document_id, d.tags, d.failed, d.remaining_steps, d.creation, d.last_update,
            (select coalesce(jsonb_agg(jsonb_build_object('fileId', f.file_id, 'name', f.name,
                      'contentType', f.content_type, 'size', f.size) order by f.file_id), '[]'::jsonb)
               from memory_files f where f.index_name = d.index_name and f.document_id = d.document_id) as files
       from memory_documents d
      where d.index_name = $1 and ($2::text is null or d.document_id > $2)
      order by d.document_id limit $3`,
    [index, page.after ?? null, page.limit],
  );
  return rows.map((r) => ({
    index: r.index_name,
    documentId: r.document_id,
    tags: r.tags,
    completed: !r.failed && r.remaining_steps.length === 0,
    failed: r.failed,
    files: r.files,
    creation: new Date(r.creation).toISOString(),
    lastUpdate: new Date(r.last_update).toISOString(),
  }));
}

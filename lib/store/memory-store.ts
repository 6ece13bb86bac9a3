/**
 * @module
 * The memory store's SQL for documents, files and pipeline status. Its chunk
 * writes are in `chunk-store.ts`, its search SQL in `chunk-search.ts` and its vector-space setup in
 * `embedding-space.ts`: together, this folder is the one place the memory
 * store's SQL lives. Writes are single statements or one atomic batch, so they
 * run unchanged over Neon's HTTP transport.
 */
import type { Db, Row, Statement } from "../db/index.js";
import { firstPart, otherPartStatements, readFileContent } from "./file-content.js";
import { enqueueJobStatements } from "./job-store.js";
import type { DocumentRecord, PipelineStep, StatusRecord, Tags } from "./records.js";

// ---- uploads and pipeline status -------------------------------------------------------------

export type StoredFile = {
  fileId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  /** Passed as bytea parameters (in parts: file-content.ts): every transport (pool, http, pglite) sends bytes, no base64. */
  bytes: Uint8Array;
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
    /** What the document will be ingested from (see document-fingerprint.ts); absent = never skipped. */
    fingerprint?: string;
    /** The text-search configuration the index gets if this upload creates it (an existing pg_ts_config). */
    textConfig: string;
  },
): Promise<{ generation: number; jobId: string }> {
  const key = [input.index, input.documentId];
  const results = await db.batch([
    {
      text: "insert into memory_indexes (name, text_config) values ($1, $2::regconfig) on conflict do nothing",
      params: [input.index, input.textConfig],
    },
    {
      text: `insert into memory_documents
               (index_name, document_id, tags, steps, remaining_steps, args, ingest_fingerprint)
             values ($1, $2, $3::jsonb, $4::text[], $4::text[], $5::jsonb, $6)
             on conflict (index_name, document_id) do update set
               tags = excluded.tags, steps = excluded.steps, completed_steps = '{}',
               remaining_steps = excluded.remaining_steps, failed = false, error = null, args = excluded.args,
               ingest_fingerprint = excluded.ingest_fingerprint,
               generation = memory_documents.generation + 1, last_update = now()
             returning generation`,
      params: [
        ...key,
        JSON.stringify(input.tags),
        input.steps,
        input.args ? JSON.stringify(input.args) : null,
        input.fingerprint ?? null,
      ],
    },
    { text: "delete from memory_files where index_name = $1 and document_id = $2", params: key },
    // The bytes in parts (file-content.ts): the first in the file's row, the others after it.
    ...input.files.flatMap((f): Statement[] => [
      {
        text: `insert into memory_files
                 (index_name, document_id, file_id, name, content_type, size, sha256, source_url, content)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9::bytea)`,
        params: [...key, f.fileId, f.name, f.contentType, f.size, f.sha256, f.sourceUrl ?? null, firstPart(f.bytes)],
      },
      ...otherPartStatements({ index: input.index, documentId: input.documentId, fileId: f.fileId }, f.bytes),
    ]),
    ...enqueueJobStatements(input.index, input.documentId, input.maxAttempts),
  ]);
  const job = results[results.length - 1]![0] as { id: string; generation: string | number };
  return { generation: Number(job.generation), jobId: job.id };
}

/** A memory_documents row as status reads select it. */
export type StatusRow = {
  index_name: string;
  document_id: string;
  tags: Tags;
  steps: string[];
  completed_steps: string[];
  remaining_steps: string[];
  failed: boolean;
  error: { step: string; message: string } | null;
  empty_reason: string | null;
  creation: Date;
  last_update: Date;
};

export async function readStatus(db: Db, index: string, documentId: string): Promise<StatusRecord | undefined> {
  const [row] = await db.query<StatusRow>(
    `select index_name, document_id, tags, steps, completed_steps, remaining_steps, failed, error, empty_reason,
            creation, last_update
       from memory_documents where index_name = $1 and document_id = $2`,
    [index, documentId],
  );
  return row && statusFromRow(row);
}

export function statusFromRow(row: StatusRow): StatusRecord {
  return {
    index: row.index_name,
    documentId: row.document_id,
    tags: row.tags,
    steps: row.steps,
    completedSteps: row.completed_steps,
    remainingSteps: row.remaining_steps,
    failed: row.failed,
    error: row.error,
    emptyReason: row.empty_reason,
    creation: new Date(row.creation),
    lastUpdate: new Date(row.last_update),
  };
}

export type DocumentToProcess = {
  generation: number;
  tags: Tags;
  args: Record<string, unknown> | null;
  completedSteps: string[];
  /** `content` is null once the document's chunks are saved (the bytes are no longer kept). */
  files: Array<{
    fileId: string;
    name: string;
    contentType: string;
    sourceUrl: string | null;
    content: Uint8Array | null;
  }>;
};

/** A document joined with one of its files, as the pipeline loads it (one row per file; file columns null when none). */
export type ProcessingRow = {
  generation: string | number;
  tags: Tags;
  args: Record<string, unknown> | null;
  completed_steps: string[];
  file_id: string | null;
  name: string | null;
  content_type: string | null;
  source_url: string | null;
  sha256: string | null;
  content_size: number | null;
};

export async function loadForProcessing(
  db: Db,
  index: string,
  documentId: string,
): Promise<DocumentToProcess | undefined> {
  const rows = await db.query<ProcessingRow>(
    `select d.generation, d.tags, d.args, d.completed_steps, f.file_id, f.name, f.content_type, f.source_url,
            f.sha256, case when f.content is not null then f.size end as content_size
       from memory_documents d
       left join memory_files f on f.index_name = d.index_name and f.document_id = d.document_id
      where d.index_name = $1 and d.document_id = $2
      order by f.file_id`,
    [index, documentId],
  );
  const [first] = rows;
  if (!first) return undefined;
  const files: DocumentToProcess["files"] = [];
  for (const r of rows) {
    if (r.file_id === null) continue;
    const key = { index, documentId, fileId: r.file_id, sha256: r.sha256!, size: Number(r.content_size) };
    files.push({
      fileId: r.file_id,
      name: r.name!,
      contentType: r.content_type!,
      sourceUrl: r.source_url,
      // Read in slices into a plain Uint8Array of its own (pdf.js refuses the Node Buffer the pool hands back).
      content: r.content_size === null ? null : await readFileContent(db, key),
    });
  }
  return {
    generation: Number(first.generation),
    tags: first.tags,
    args: first.args,
    completedSteps: first.completed_steps,
    files,
  };
}

export const whereGeneration = "index_name = $1 and document_id = $2 and generation = $3";

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
): Promise<DocumentRecord[]> {
  const rows = await db.query<Row & StatusRow & { files: DocumentRecord["files"] }>(
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

/**
 * @module
 * The memory store's SQL for a bulk upload: many one-file documents of one index stored with their jobs in one
 * transaction of set-based statements (a handful of statements whatever the count), with exactly the effect
 * `saveUpload` has on each document: the index created by its first upload, a re-upload's generation bumped and
 * its files replaced (their bytes in parts, as `saveUpload` stores them), its older jobs superseded. All documents
 * are accepted or none.
 */
import type { Db, Statement } from "../db/index.js";
import { firstPart, otherPartStatements, PART_BYTES } from "./file-content.js";
import type { StoredFile } from "./memory-store.js";
import type { PipelineStep, Tags } from "./records.js";

export type BulkRow = {
  documentId: string;
  tags: Tags;
  steps: readonly PipelineStep[];
  file: StoredFile;
  fingerprint?: string;
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Bytes as hex text: a text[] parameter every transport (pool, http, pglite) sends the same way. */
function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out;
}

/**
 * The files' rows, a group of documents per statement whose first parts (file-content.ts) add up to at most
 * `PART_BYTES`, each group followed by its files' other parts: however large the body, no statement carries more
 * than one part's worth of bytes (the embedded database holds a whole statement in WebAssembly memory that never
 * shrinks).
 */
function fileStatements(index: string, rows: readonly BulkRow[]): Statement[] {
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; ) {
    let end = start + 1;
    let bytes = firstPart(rows[start]!.file.bytes).byteLength;
    while (end < rows.length && bytes + firstPart(rows[end]!.file.bytes).byteLength <= PART_BYTES) {
      bytes += firstPart(rows[end]!.file.bytes).byteLength;
      end++;
    }
    const group = rows.slice(start, end);
    statements.push({
      text: `insert into memory_files
               (index_name, document_id, file_id, name, content_type, size, sha256, source_url, content)
             select $1, u.d, u.fid, u.n, u.ct, u.sz, u.sha, u.src, decode(u.c, 'hex')
               from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[],
                           $9::text[]) as u(d, fid, n, ct, sz, sha, src, c)`,
      params: [
        index,
        group.map((r) => r.documentId),
        group.map((r) => r.file.fileId),
        group.map((r) => r.file.name),
        group.map((r) => r.file.contentType),
        group.map((r) => r.file.size),
        group.map((r) => r.file.sha256),
        group.map((r) => r.file.sourceUrl ?? null),
        group.map((r) => hex(firstPart(r.file.bytes))),
      ],
    });
    for (const r of group) {
      statements.push(...otherPartStatements({ index, documentId: r.documentId, fileId: r.file.fileId }, r.file.bytes));
    }
    start = end;
  }
  return statements;
}

/** Stores the documents and enqueues their jobs; returns each document's job id (by documentId). */
export async function saveBulkUpload(
  db: Db,
  input: { index: string; textConfig: string; maxAttempts: number; rows: readonly BulkRow[] },
): Promise<Map<string, string>> {
  const { index, rows } = input;
  const ids = rows.map((r) => r.documentId);
  const results = await db.batch([
    {
      text: "insert into memory_indexes (name, text_config) values ($1, $2::regconfig) on conflict do nothing",
      params: [index, input.textConfig],
    },
    {
      text: `insert into memory_documents
               (index_name, document_id, tags, steps, remaining_steps, args, ingest_fingerprint)
             select $1, u.d, u.t::jsonb, s.steps, s.steps, null, u.f
               from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as u(d, t, s, f)
               cross join lateral (select array(select jsonb_array_elements_text(u.s::jsonb)) as steps) s
             on conflict (index_name, document_id) do update set
               tags = excluded.tags, steps = excluded.steps, completed_steps = '{}',
               remaining_steps = excluded.remaining_steps, failed = false, error = null, args = excluded.args,
               ingest_fingerprint = excluded.ingest_fingerprint,
               generation = memory_documents.generation + 1, last_update = now()`,
      params: [
        index,
        ids,
        rows.map((r) => JSON.stringify(r.tags)),
        rows.map((r) => JSON.stringify(r.steps)),
        rows.map((r) => r.fingerprint ?? null),
      ],
    },
    { text: "delete from memory_files where index_name = $1 and document_id = any($2::text[])", params: [index, ids] },
    ...fileStatements(index, rows),
    {
      text: `update memory_jobs set state = 'done', last_error = 'superseded by a newer upload', updated_at = now()
              where index_name = $1 and document_id = any($2::text[]) and state in ('queued', 'running')`,
      params: [index, ids],
    },
    {
      text: `insert into memory_jobs (index_name, document_id, generation, max_attempts)
             select $1, d.document_id, d.generation, $3 from memory_documents d
              where d.index_name = $1 and d.document_id = any($2::text[])
             returning id::text as id, document_id`,
      params: [index, ids, input.maxAttempts],
    },
  ]);
  const jobs = (results[results.length - 1] ?? []) as Array<{ id: string; document_id: string }>;
  return new Map(jobs.map((j) => [j.document_id, j.id]));
}

/** The documents among `fingerprints` (documentId → fingerprint) already ingested, without failure, from it. */
export async function ingestedFromMany(db: Db, index: string, fingerprints: Map<string, string>): Promise<Set<string>> {
  if (!fingerprints.size) return new Set();
  const rows = await db.query<{ document_id: string }>(
    `select d.document_id from unnest($2::text[], $3::text[]) as u(d, f)
       join memory_documents d on d.index_name = $1 and d.document_id = u.d and d.ingest_fingerprint = u.f
      where not d.failed and cardinality(d.remaining_steps) = 0`,
    [index, [...fingerprints.keys()], [...fingerprints.values()]],
  );
  return new Set(rows.map((r) => r.document_id));
}

/**
 * @module
 * The vector space a database holds: recorded once, refused when the
 * configured embedder differs, and served by an HNSW cosine expression index
 * for its dimension — partial on that dimension, so rows (or not yet vacuumed row versions) of another space,
 * as during `npm run reembed`, are never cast into it. The dimension is the only value interpolated into SQL,
 * a validated integer from configuration, never user input.
 *
 * The index keeps half-precision copies (`halfvec`): half the size of a
 * float32 index at the same recall, so more of it stays in memory, and it
 * indexes up to 4,000 dimensions (float32 HNSW stops at 2,000). The stored
 * column stays float32, and relevance is computed from it. m and
 * ef_construction were chosen by measurement on vectors of text-like intrinsic
 * dimensionality at 100k and 1M rows (BENCHMARKS.md, vectors).
 */
import type { Db } from "../db/index.js";
import { AppError } from "../errors.js";

export class EmbeddingSpaceMismatch extends AppError {
  override readonly name = "EmbeddingSpaceMismatch";
  constructor(message: string) {
    super("misconfigured", message);
  }
}

const ADVISORY_LOCK = "7240319562";

/** HNSW build options of every memory_chunks index (migration 0007 rebuilds older ones with them). */
export const HNSW_OPTIONS = { m: 24, efConstruction: 100 } as const;

/** The cosine distance expression the HNSW index serves; a search must order by exactly this to use it. */
export function indexedDistance(d: number, column: string, query: string): string {
  const n = dims(d);
  return `(${column}::halfvec(${n}) <=> ${query}::halfvec(${n}))`;
}

export type EmbeddingSpace = { id: string; dimensions: number };

/** The vector space this database records, if any. */
export async function storedEmbeddingSpace(db: Db): Promise<EmbeddingSpace | undefined> {
  const [row] = await db.query<{ value: EmbeddingSpace }>("select value from memory_settings where key = 'embedding'");
  return row?.value;
}

export function dims(d: number): number {
  if (!Number.isInteger(d) || d < 1 || d > 16_000) throw new EmbeddingSpaceMismatch(`invalid vector dimension ${d}`);
  return d;
}

/** Throws EmbeddingSpaceMismatch when the database records a vector space other than `space`. */
export function checkEmbeddingSpace(stored: EmbeddingSpace | undefined, space: EmbeddingSpace): void {
  const d = dims(space.dimensions);
  if (stored && (stored.id !== space.id || stored.dimensions !== d)) {
    throw new EmbeddingSpaceMismatch(
      `this database holds ${stored.dimensions}-dimension vectors from embedder '${stored.id}', but the service is configured with '${space.id}' (${d} dimensions); use the same embedder, or move this database to the new one with \`npm run reembed\``,
    );
  }
}

/**
 * Records which embedder's vectors this database holds, refuses a different
 * one (mixing vector spaces silently ruins search), and makes sure the HNSW
 * cosine index for that dimension exists.
 */
export async function ensureEmbeddingSpace(
  db: Db,
  space: { id: string; dimensions: number },
  buildMemory?: string,
): Promise<void> {
  const d = dims(space.dimensions);
  const read = () => storedEmbeddingSpace(db);
  const check = (stored: EmbeddingSpace | undefined) => checkEmbeddingSpace(stored, space);
  const stored = await read();
  check(stored);
  // Already set up (by a deploy step or an earlier instance): no DDL, so a runtime role that may
  // read and write but does not own the tables starts too (CREATE INDEX IF NOT EXISTS needs ownership).
  const [index] = await db.query<{ ok: boolean }>("select to_regclass($1) is not null as ok", [
    `memory_chunks_hnsw_${d}`,
  ]);
  if (stored && index?.ok) return;
  await db.batch([
    { text: "select pg_advisory_xact_lock($1::bigint)", params: [ADVISORY_LOCK] },
    buildMemorySetting(buildMemory),
    {
      text: "insert into memory_settings (key, value) values ('embedding', $1::jsonb) on conflict (key) do nothing",
      params: [JSON.stringify({ id: space.id, dimensions: d })],
    },
    { text: createIndex(d) },
    // A deferred build (below) that never finished is finished by this one.
    { text: `delete from memory_settings where key = '${DEFERRED}'` },
  ]);
  check(await read());
}

/**
 * The memory an index build may use (`VECTOR_INDEX_BUILD_MEMORY`), for its own transaction only; without one, the
 * server's setting (a statement that changes nothing keeps the batch's shape).
 */
function buildMemorySetting(buildMemory: string | undefined): { text: string; params?: unknown[] } {
  return buildMemory
    ? { text: "select set_config('maintenance_work_mem', $1, true)", params: [buildMemory] }
    : { text: "select 1" };
}

function createIndex(d: number): string {
  return `create index if not exists memory_chunks_hnsw_${dims(d)} on memory_chunks
          using hnsw ((embedding::halfvec(${d})) halfvec_cosine_ops)
          with (m = ${HNSW_OPTIONS.m}, ef_construction = ${HNSW_OPTIONS.efConstruction})
          where vector_dims(embedding) = ${d}`;
}

/*
 * First-time bulk ingest. Keeping an HNSW graph up to date row by row costs several times what building it once
 * over the same rows does (BENCHMARKS.md, ingest), so while memory_chunks is EMPTY when an ingestion job starts,
 * the (empty) index is dropped and a setting records the deferral; once no ingestion job is running or due, the
 * index is built over everything loaded. Searches meanwhile read the table exactly (a sequential scan: slower,
 * never wrong). A crash mid-load loses nothing: `ensureEmbeddingSpace`, which every instance runs on start,
 * builds a missing index. A database that holds chunks is never touched: dropping its index would stall every
 * index name's searches.
 */
const DEFERRED = "vector_index_deferred";

/**
 * Drops the HNSW index if memory_chunks is empty (see above). Answers whether the table holds chunks: once it does,
 * the caller need not ask again. A role that may not drop the index, or a table some transaction is using, just
 * means no deferral.
 */
export async function deferVectorIndexWhileEmpty(db: Db, dimensions: number): Promise<{ filled: boolean }> {
  const d = dims(dimensions);
  const [, , , row] = await db.batch([
    { text: "select pg_advisory_xact_lock($1::bigint)", params: [ADVISORY_LOCK] },
    { text: "set local lock_timeout = '200ms'" },
    {
      text: `do $$
             begin
               if not exists (select 1 from memory_chunks) and to_regclass('memory_chunks_hnsw_${d}') is not null then
                 -- NOWAIT: never queue for the table (that would stall every search and write behind this).
                 lock table memory_chunks in access exclusive mode nowait;
                 drop index memory_chunks_hnsw_${d};
                 insert into memory_settings (key, value) values ('${DEFERRED}', '${d}'::jsonb)
                   on conflict (key) do nothing;
               end if;
             exception when insufficient_privilege or lock_not_available then
               null;
             end $$`,
    },
    { text: "select exists (select 1 from memory_chunks) as filled" },
  ]);
  return { filled: Boolean((row?.[0] as { filled?: boolean } | undefined)?.filled) };
}

/**
 * Builds a deferred HNSW index once no ingestion job is running or due; a no-op otherwise (including when no
 * build was deferred). Answers whether the index exists now.
 */
export async function buildDeferredVectorIndex(
  db: Db,
  dimensions: number,
  buildMemory?: string,
): Promise<{ built: boolean }> {
  const d = dims(dimensions);
  const [, , , row] = await db.batch([
    { text: "select pg_advisory_xact_lock($1::bigint)", params: [ADVISORY_LOCK] },
    buildMemorySetting(buildMemory),
    {
      text: `do $$
             begin
               if exists (select 1 from memory_settings where key = '${DEFERRED}')
                  and not exists (select 1 from memory_jobs
                                   where state = 'running' or (state = 'queued' and run_after <= now())) then
                 ${createIndex(d)};
                 delete from memory_settings where key = '${DEFERRED}';
               end if;
             end $$`,
    },
    { text: `select to_regclass('memory_chunks_hnsw_${d}') is not null as built` },
  ]);
  return { built: Boolean((row?.[0] as { built?: boolean } | undefined)?.built) };
}

/** Whether a deferred index build is pending (the `completeJob` statement reads the same setting). */
export const DEFERRED_INDEX_SETTING = DEFERRED;

/**
 * @module
 * The vector space a database holds: recorded once, refused when the
 * configured embedder differs, and served by an HNSW cosine expression index
 * for its dimension. The dimension is the only value interpolated into SQL,
 * a validated integer from configuration, never user input.
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

export function dims(d: number): number {
  if (!Number.isInteger(d) || d < 1 || d > 16_000) throw new EmbeddingSpaceMismatch(`invalid vector dimension ${d}`);
  return d;
}

/**
 * Records which embedder's vectors this database holds, refuses a different
 * one (mixing vector spaces silently ruins search), and makes sure the HNSW
 * cosine index for that dimension exists.
 */
export async function ensureEmbeddingSpace(db: Db, space: { id: string; dimensions: number }): Promise<void> {
  const d = dims(space.dimensions);
  const read = async () =>
    (
      await db.query<{ value: { id: string; dimensions: number } }>(
        "select value from memory_settings where key = 'embedding'",
      )
    )[0]?.value;
  const check = (stored: { id: string; dimensions: number } | undefined) => {
    if (stored && (stored.id !== space.id || stored.dimensions !== d)) {
      throw new EmbeddingSpaceMismatch(
        `this database holds ${stored.dimensions}-dimension vectors from embedder '${stored.id}', but the service is configured with '${space.id}' (${d} dimensions); use the same embedder, or a new database and re-ingest`,
      );
    }
  };
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
    {
      text: "insert into memory_settings (key, value) values ('embedding', $1::jsonb) on conflict (key) do nothing",
      params: [JSON.stringify({ id: space.id, dimensions: d })],
    },
    {
      text: `create index if not exists memory_chunks_hnsw_${d} on memory_chunks
             using hnsw ((embedding::vector(${d})) vector_cosine_ops)`,
    },
  ]);
  check(await read());
}

/**
 * @module
 * SQL of a re-embed: the target space is recorded (`memory_settings.embedding_next`), chunks get the new vectors in
 * `embedding_next` batch by batch (a crash loses nothing done), and one transaction swaps them in — only when no
 * chunk is left without one, so chunks ingested meanwhile are never swapped to a wrong-space vector.
 */
import type { Db } from "../db/index.js";
import { dims, type EmbeddingSpace } from "./embedding-space.js";

/** Records the target; a re-embed towards a different target must be restarted explicitly. */
export async function beginReembed(db: Db, target: EmbeddingSpace, restart: boolean): Promise<EmbeddingSpace | null> {
  const [row] = await db.query<{ value: EmbeddingSpace }>(
    "select value from memory_settings where key = 'embedding_next'",
  );
  const current = row?.value ?? null;
  if (current && (current.id !== target.id || current.dimensions !== target.dimensions) && !restart) return current;
  if (!current || restart) {
    await db.batch([
      { text: "update memory_chunks set embedding_next = null where embedding_next is not null" },
      {
        text: `insert into memory_settings (key, value) values ('embedding_next', $1::jsonb)
               on conflict (key) do update set value = excluded.value`,
        params: [JSON.stringify(target)],
      },
    ]);
  }
  return null;
}

export async function chunksToReembed(db: Db, limit: number) {
  return db.query<{ id: string; context: string; text: string }>(
    "select id, context, text from memory_chunks where embedding_next is null order by id limit $1",
    [limit],
  );
}

export async function saveReembedded(db: Db, rows: Array<{ id: string; embedding: string }>): Promise<void> {
  await db.query(
    `update memory_chunks c set embedding_next = u.e::vector
       from unnest($1::text[], $2::text[]) as u(id, e) where c.id = u.id`,
    [rows.map((r) => r.id), rows.map((r) => r.embedding)],
  );
}

/**
 * Swaps the new vectors in, records the new space and refreshes content hashes (they name the embedder), all at
 * once and only if every chunk has its new vector; returns whether it did. The old space's HNSW index and the
 * embedding cache go with it (a cached vector of the old space must never be reused). The new space's index is
 * built afterwards by `ensureEmbeddingSpace`: built in this transaction it would also read the rows' old versions.
 */
export async function finishReembed(db: Db, from: EmbeddingSpace, to: EmbeddingSpace): Promise<boolean> {
  const [oldD, newD] = [dims(from.dimensions), dims(to.dimensions)];
  const ready = `(select value from memory_settings where key = 'embedding') = $1::jsonb
                 and not exists (select 1 from memory_chunks where embedding_next is null)`;
  const results = await db.batch([
    { text: "lock table memory_chunks in exclusive mode" },
    // An expression index on the other dimension would reject the swapped rows (a leftover target one too).
    ...(oldD === newD ? [] : [{ text: `drop index if exists memory_chunks_hnsw_${oldD}, memory_chunks_hnsw_${newD}` }]),
    {
      text: `update memory_settings set value = $2::jsonb where key = 'embedding' and ${ready} returning 1 as done`,
      params: [JSON.stringify(from), JSON.stringify(to)],
    },
    {
      text: `update memory_chunks set embedding = embedding_next, embedding_next = null,
               content_hash = encode(sha256(convert_to($2::text || E'\\n' ||
                 case when context = '' then text else context || E'\\n\\n' || text end, 'UTF8')), 'hex')
              where (select value from memory_settings where key = 'embedding') = $1::jsonb`,
      params: [JSON.stringify(to), to.id],
    },
    {
      text: "delete from memory_embeddings where (select value from memory_settings where key = 'embedding') = $1::jsonb",
      params: [JSON.stringify(to)],
    },
    {
      text: "delete from memory_settings where key = 'embedding_next' and (select value from memory_settings where key = 'embedding') = $1::jsonb",
      params: [JSON.stringify(to)],
    },
  ]);
  return (results[oldD === newD ? 1 : 2]?.length ?? 0) > 0;
}

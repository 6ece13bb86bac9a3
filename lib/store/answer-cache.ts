/**
 * @module
 * The answer cache's SQL (`memory_answer_cache`, migration 0014): an answer is found only under its index's
 * current version (`memory_index_versions`, bumped by triggers with every write that can change an answer) and
 * within its time to live. Answers are stored as plain JSON; what they mean is `lib/memory/answer/cache.ts`'s.
 */
import type { Db } from "../db/index.js";

/** The index's version now, and the answer stored for `key` under it (if any, and not older than `ttlSeconds`). */
export async function lookupAnswer(
  db: Db,
  index: string,
  key: string,
  ttlSeconds: number,
): Promise<{ version: string; answer: unknown }> {
  const [row] = await db.query<{ version: string; answer: unknown }>(
    `select v.version::text as version,
            (select c.answer from memory_answer_cache c
              where c.index_name = $1 and c.request_key = $2 and c.version = v.version
                and c.created_at > now() - make_interval(secs => $3)) as answer
       from (select coalesce((select version from memory_index_versions where index_name = $1), 0) as version) v`,
    [index, key, ttlSeconds],
  );
  return { version: row?.version ?? "0", answer: row?.answer ?? null };
}

/**
 * Stores `answer` under the version read before it was computed (an index changed meanwhile has a newer version,
 * so the entry is never found), and drops expired entries and the oldest beyond `maxEntries`, in one statement.
 */
export async function storeAnswer(
  db: Db,
  entry: { index: string; key: string; version: string; answer: unknown },
  bounds: { ttlSeconds: number; maxEntries: number },
): Promise<void> {
  await db.query(
    `with trimmed as (
       delete from memory_answer_cache c
        where c.created_at < now() - make_interval(secs => $5)
           or (c.index_name, c.request_key) in (select index_name, request_key from memory_answer_cache
                                                 order by created_at desc offset $6)
     )
     insert into memory_answer_cache (index_name, request_key, version, answer)
     values ($1, $2, $3::bigint, $4::jsonb)
     on conflict (index_name, request_key)
       do update set version = excluded.version, answer = excluded.answer, created_at = now()`,
    [entry.index, entry.key, entry.version, JSON.stringify(entry.answer), bounds.ttlSeconds, bounds.maxEntries - 1],
  );
}

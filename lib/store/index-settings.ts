/**
 * @module
 * An index's stored ranking settings (`memory_indexes.ranking_settings`), in and out as plain JSON objects;
 * what the keys mean is `lib/memory/ranking-args.ts`'s business.
 */
import type { Db } from "../db/index.js";

/** The stored settings, or undefined when the index does not exist. */
export async function readIndexSettings(db: Db, index: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db.query<{ settings: Record<string, unknown> }>(
    "select ranking_settings as settings from memory_indexes where name = $1",
    [index],
  );
  return row?.settings;
}

/**
 * Merges `set` into the stored settings and drops the `remove` keys, in one statement (concurrent patches of
 * different keys both land). Undefined when the index does not exist: nothing is created.
 */
export async function patchIndexSettings(
  db: Db,
  index: string,
  set: Record<string, unknown>,
  remove: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const [row] = await db.query<{ settings: Record<string, unknown> }>(
    `update memory_indexes set ranking_settings = (ranking_settings || $2::jsonb) - $3::text[]
     where name = $1 returning ranking_settings as settings`,
    [index, JSON.stringify(set), [...remove]],
  );
  return row?.settings;
}

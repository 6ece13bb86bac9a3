/**
 * @module
 * Which text-search configurations exist (`pg_ts_config`) and which one an index uses. Names are only ever
 * passed as parameters and cast to `regconfig` by Postgres, never interpolated.
 */
import type { Db } from "../db/index.js";

export async function textConfigExists(db: Db, name: string): Promise<boolean> {
  const [row] = await db.query<{ ok: boolean }>("select exists (select 1 from pg_ts_config where cfgname = $1) as ok", [
    name,
  ]);
  return row?.ok === true;
}

/** The configuration an existing index uses, or undefined when the index does not exist. */
export async function indexTextConfig(db: Db, index: string): Promise<string | undefined> {
  const [row] = await db.query<{ config: string }>(
    "select text_config::text as config from memory_indexes where name = $1",
    [index],
  );
  return row?.config;
}

/**
 * @module
 * Everything an instance checks before its first request touches the store, read in ONE statement (one round
 * trip; a cold start used to spend five in sequence): which migrations are recorded, whether the text-search
 * configuration exists, which vector space the database records and whether its HNSW index exists. When all of
 * that is in place the instance is ready; anything missing (a fresh database, a pending migration, no index yet)
 * sends the caller down the full path, which creates it.
 */
import { type Db, sqlStateOf } from "../db/index.js";
import { MIGRATIONS } from "../migrate/migrations.gen.js";
import type { EmbeddingSpace } from "../store/embedding-space.js";

export type StartupState = {
  /** Every bundled migration is recorded. */
  migrated: boolean;
  textConfig: boolean;
  space?: EmbeddingSpace;
  /** The HNSW index of the recorded space exists. */
  indexed: boolean;
};

const PROBE = `select (select coalesce(array_agg(id), '{}') from schema_migrations) as applied,
         exists (select 1 from pg_ts_config where cfgname = $1) as text_config,
         s.value as space,
         s.value is not null
           and to_regclass('memory_chunks_hnsw_' || ((s.value ->> 'dimensions')::int)) is not null as indexed
  from (select (select value from memory_settings where key = 'embedding') as value) s`;

/** The database's startup state, or undefined when its tables do not exist yet (42P01). */
export async function probeStartup(db: Db, textConfig: string): Promise<StartupState | undefined> {
  try {
    const [row] = await db.query<{
      applied: string[];
      text_config: boolean;
      space: EmbeddingSpace | null;
      indexed: boolean;
    }>(PROBE, [textConfig]);
    if (!row) return undefined;
    const applied = new Set(row.applied);
    return {
      migrated: MIGRATIONS.every((m) => applied.has(m.id)),
      textConfig: row.text_config,
      ...(row.space ? { space: row.space } : {}),
      indexed: row.indexed,
    };
  } catch (err) {
    if (sqlStateOf(err) === "42P01") return undefined;
    throw err;
  }
}

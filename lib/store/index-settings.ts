/**
 * @module
 * An index's stored ranking settings (`memory_indexes.ranking_settings`), in and out as plain JSON objects,
 * and the per-instance copy searches read ({@link cachedIndexSettings}); what the keys mean is
 * `lib/memory/ranking-args.ts`'s business.
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

type Stored = Record<string, unknown> | undefined;
type Entry = { until: number; settings: Promise<Stored> };

/** Per database handle (one per instance and database), per index. Bounded: the oldest entry goes first. */
const cached = new WeakMap<Db, Map<string, Entry>>();
const MAX_CACHED_INDEXES = 1000;

/**
 * The stored settings as searches read them: kept per instance (per database handle `db`) for `ttlMs`, so a warm
 * search is one statement, not two; `ttlMs <= 0` reads every time. `reader` (a replica, else `db`) does the read.
 */
export function cachedIndexSettings(db: Db, reader: Db, index: string, ttlMs: number): Promise<Stored> {
  if (ttlMs <= 0) return readIndexSettings(reader, index);
  const entries = cached.get(db) ?? new Map<string, Entry>();
  cached.set(db, entries);
  const now = Date.now();
  const hit = entries.get(index);
  if (hit && hit.until > now) return hit.settings;
  const settings = readIndexSettings(reader, index);
  remember(entries, index, { until: now + ttlMs, settings });
  // A failed read is not remembered: the next search reads again.
  settings.catch(() => entries.get(index)?.settings === settings && entries.delete(index));
  return settings;
}

/** A change made through this instance: its later searches use `stored` at once (when it keeps settings at all). */
export function rememberIndexSettings(db: Db, index: string, stored: Record<string, unknown>, ttlMs: number): void {
  const entries = cached.get(db);
  if (entries) remember(entries, index, { until: Date.now() + ttlMs, settings: Promise.resolve(stored) });
}

function remember(entries: Map<string, Entry>, index: string, entry: Entry): void {
  entries.delete(index);
  entries.set(index, entry);
  if (entries.size > MAX_CACHED_INDEXES) entries.delete(entries.keys().next().value as string);
}

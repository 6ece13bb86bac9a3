/**
 * @module
 * The SQL of what a source tracks: its items (one per URL, object or page, each
 * owning one document), and a crawl's rounds. A crawl round starts by stamping
 * the source; every page discovered since then belongs to the round, pages
 * are checked shallowest first, and when none is left the pages not
 * discovered again are the ones that went away.
 */
import type { Db } from "../db/index.js";

// ---- items -----------------------------------------------------------------------------------

export type SourceItem = {
  url: string;
  documentId: string;
  etag: string | null;
  lastModified: string | null;
  contentHash: string | null;
  lastError: string | null;
};

type ItemRow = {
  url: string;
  document_id: string;
  etag: string | null;
  last_modified: string | null;
  content_hash: string | null;
  last_error: string | null;
};

const ITEM_COLUMNS = "url, document_id, etag, last_modified, content_hash, last_error";

const toItem = (r: ItemRow): SourceItem => ({
  url: r.url,
  documentId: r.document_id,
  etag: r.etag,
  lastModified: r.last_modified,
  contentHash: r.content_hash,
  lastError: r.last_error,
});

/** The source's items, least recently checked first. */
export async function listItems(db: Db, sourceId: string): Promise<SourceItem[]> {
  const rows = await db.query<ItemRow>(
    `select ${ITEM_COLUMNS} from memory_source_items
      where source_id = $1 order by checked_at nulls first, url`,
    [sourceId],
  );
  return rows.map(toItem);
}

/** Adds items not tracked yet; existing ones keep their validators. */
export async function addItems(db: Db, sourceId: string, items: Array<{ url: string; documentId: string }>) {
  if (items.length === 0) return;
  await db.query(
    `insert into memory_source_items (source_id, url, document_id)
     select $1, u, d from unnest($2::text[], $3::text[]) as x(u, d)
     on conflict (source_id, url) do nothing`,
    [sourceId, items.map((i) => i.url), items.map((i) => i.documentId)],
  );
}

/**
 * Stores what checking an item (a crawled page too) found: validators, hash
 * and links when known (`undefined` keeps what was there; the validators are
 * written together with the hash). `false` means the row is gone: the source
 * was deleted while this run was fetching.
 */
export async function recordItem(
  db: Db,
  sourceId: string,
  url: string,
  found: {
    etag?: string | null;
    lastModified?: string | null;
    contentHash?: string | null;
    links?: string[] | null;
    error?: string | null;
  },
): Promise<boolean> {
  const rows = await db.query(
    `update memory_source_items set
        etag = case when $3 then $4 else etag end,
        last_modified = case when $3 then $5 else last_modified end,
        content_hash = case when $3 then $6 else content_hash end,
        links = case when $7 then $8::text[] else links end,
        last_error = $9, checked_at = now()
      where source_id = $1 and url = $2 returning 1 as done`,
    [
      sourceId,
      url,
      found.contentHash !== undefined,
      found.etag ?? null,
      found.lastModified ?? null,
      found.contentHash ?? null,
      found.links !== undefined,
      found.links ?? null,
      found.error ?? null,
    ],
  );
  return rows.length > 0;
}

export async function removeItem(db: Db, sourceId: string, url: string): Promise<void> {
  await db.query("delete from memory_source_items where source_id = $1 and url = $2", [sourceId, url]);
}

// ---- crawl rounds ----------------------------------------------------------------------------

export type CrawlItem = SourceItem & { depth: number; links: string[] | null };

/** Starts a round unless one is in progress; returns the round's start. */
export async function startRound(db: Db, sourceId: string): Promise<string> {
  const [row] = await db.query<{ round: Date | string }>(
    `update memory_sources set round_started_at = coalesce(round_started_at, now())
      where id = $1 returning round_started_at as round`,
    [sourceId],
  );
  if (!row) throw new Error(`source ${sourceId} is gone`);
  return new Date(row.round).toISOString();
}

export async function endRound(db: Db, sourceId: string): Promise<void> {
  await db.query("update memory_sources set round_started_at = null where id = $1", [sourceId]);
}

/** Marks pages as found in this round (at the smallest depth any link reached them). */
export async function discoverItems(
  db: Db,
  sourceId: string,
  round: string,
  items: Array<{ url: string; documentId: string; depth: number }>,
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `insert into memory_source_items as i (source_id, url, document_id, depth, discovered_at)
     select $1, u, d, p, now() from unnest($2::text[], $3::text[], $4::int[]) as x(u, d, p)
     on conflict (source_id, url) do update set
       depth = case when i.discovered_at >= $5::timestamptz then least(i.depth, excluded.depth) else excluded.depth end,
       discovered_at = now()`,
    [sourceId, items.map((i) => i.url), items.map((i) => i.documentId), items.map((i) => i.depth), round],
  );
}

/** How many pages this round has found so far. */
export async function countDiscovered(db: Db, sourceId: string, round: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "select count(*)::int as n from memory_source_items where source_id = $1 and discovered_at >= $2::timestamptz",
    [sourceId, round],
  );
  return row?.n ?? 0;
}

/** Pages found in this round and not yet checked in it, shallowest first. */
export async function pendingPages(db: Db, sourceId: string, round: string, limit: number): Promise<CrawlItem[]> {
  const rows = await db.query<ItemRow & { depth: number; links: string[] | null }>(
    `select ${ITEM_COLUMNS}, depth, links
       from memory_source_items
      where source_id = $1 and discovered_at >= $2::timestamptz and (checked_at is null or checked_at < $2::timestamptz)
      order by depth, url limit $3`,
    [sourceId, round, limit],
  );
  return rows.map((r) => ({ ...toItem(r), depth: r.depth, links: r.links }));
}

/** Pages this round did not find again: they went away (or left the limits). */
export async function stalePages(db: Db, sourceId: string, round: string): Promise<SourceItem[]> {
  const rows = await db.query<{ url: string; document_id: string }>(
    `select url, document_id from memory_source_items
      where source_id = $1 and (discovered_at is null or discovered_at < $2::timestamptz)`,
    [sourceId, round],
  );
  return rows.map((r) => ({
    url: r.url,
    documentId: r.document_id,
    etag: null,
    lastModified: null,
    contentHash: null,
    lastError: null,
  }));
}

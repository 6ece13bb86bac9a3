/**
 * @module
 * Every SQL statement of sources. A source is claimed by one statement
 * (`FOR UPDATE SKIP LOCKED` + a lease, as jobs are), so overlapping cron runs
 * never sync the same source twice, and a run that died is taken over when its
 * lease expires. Only the lease holder may settle a run.
 */
import type { Db, Row } from "../db/index.js";
import type { NewSourceRecord, SourceKind, SourceRecord, SourceStatus, Tags } from "./records.js";

export type { SourceRecord } from "./records.js";

type SourceRow = Row & {
  id: string;
  index_name: string;
  kind: SourceKind;
  url: string;
  tags: Tags;
  interval_seconds: number;
  created_at: Date | string;
  next_due_at: Date | string;
  last_run_at: Date | string | null;
  last_status: SourceStatus | null;
  last_error: string | null;
  failures: number;
  etag: string | null;
  last_modified: string | null;
  content_hash: string | null;
  options: SourceRecord["options"] | null;
  sealed_credentials: string | null;
  round_started_at: Date | string | null;
  item_count: number;
};

const iso = (d: Date | string) => new Date(d).toISOString();

const toRecord = (r: SourceRow): SourceRecord => ({
  id: r.id,
  index: r.index_name,
  kind: r.kind,
  url: r.url,
  tags: r.tags,
  intervalSeconds: r.interval_seconds,
  createdAt: iso(r.created_at),
  nextDueAt: iso(r.next_due_at),
  lastRunAt: r.last_run_at === null ? null : iso(r.last_run_at),
  lastStatus: r.last_status,
  lastError: r.last_error,
  failures: r.failures,
  itemCount: Number(r.item_count),
  etag: r.etag,
  lastModified: r.last_modified,
  contentHash: r.content_hash,
  options: r.options ?? {},
  sealedCredentials: r.sealed_credentials,
  roundStartedAt: r.round_started_at === null ? null : iso(r.round_started_at),
});

const COLUMNS = `s.id, s.index_name, s.kind, s.url, s.tags, s.interval_seconds, s.created_at, s.next_due_at,
  s.last_run_at, s.last_status, s.last_error, s.failures, s.etag, s.last_modified, s.content_hash,
  s.options, s.sealed_credentials, s.round_started_at,
  (select count(*)::int from memory_source_items i where i.source_id = s.id) as item_count`;

/** Inserts a source, due at once; `undefined` when the index already has a source for this URL. */
export async function insertSource(db: Db, id: string, input: NewSourceRecord): Promise<SourceRecord | undefined> {
  const rows = await db.query<SourceRow>(
    `with s as (
       insert into memory_sources (id, index_name, kind, url, tags, interval_seconds, options, sealed_credentials)
       values ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8)
       on conflict (index_name, url) do nothing
       returning *)
     select ${COLUMNS} from s`,
    [
      id,
      input.index,
      input.kind,
      input.url,
      JSON.stringify(input.tags),
      input.intervalSeconds,
      JSON.stringify(input.options ?? {}),
      input.sealedCredentials ?? null,
    ],
  );
  return rows[0] && toRecord(rows[0]);
}

export async function readSource(db: Db, id: string): Promise<SourceRecord | undefined> {
  const rows = await db.query<SourceRow>(`select ${COLUMNS} from memory_sources s where s.id = $1`, [id]);
  return rows[0] && toRecord(rows[0]);
}

/**
 * One page in id order. `indexPatterns` (a scoped key's globs, `*` = any run of characters) filters in the
 * query itself, so a page is never cut short by rows the caller may not see, nor ends on one of their ids.
 */
export async function listSourceRecords(
  db: Db,
  page: { index?: string; after?: string; limit: number; indexPatterns?: readonly string[] },
): Promise<SourceRecord[]> {
  const likes = page.indexPatterns?.includes("*") ? null : (page.indexPatterns?.map(globToLike) ?? null);
  const rows = await db.query<SourceRow>(
    `select ${COLUMNS} from memory_sources s
      where ($1::text is null or s.index_name = $1) and ($2::text is null or s.id > $2)
        and ($4::text[] is null or s.index_name like any($4::text[]))
      order by s.id limit $3`,
    [page.index ?? null, page.after ?? null, page.limit, likes],
  );
  return rows.map(toRecord);
}

/** `*` becomes `%`; LIKE's own metacharacters are escaped (patterns hold none today, but the store must not rely on it). */
function globToLike(pattern: string): string {
  return pattern.replace(/[\\%_]/g, "\\$&").replaceAll("*", "%");
}

/**
 * Deletes a source and every document it created, in one transaction. A run
 * still in flight notices the missing item row after its upload and removes
 * what it just wrote (see `recordItem`).
 */
export async function deleteSourceAndDocuments(db: Db, id: string): Promise<boolean> {
  const results = await db.batch([
    {
      text: `delete from memory_documents d
              using memory_source_items i, memory_sources s
              where s.id = $1 and i.source_id = s.id and d.index_name = s.index_name and d.document_id = i.document_id`,
      params: [id],
    },
    { text: "delete from memory_sources where id = $1 returning id", params: [id] },
  ]);
  return (results[1]?.length ?? 0) > 0;
}

// ---- runs ------------------------------------------------------------------------------------

const CLAIM = `set lease_owner = $1, lease_until = now() + make_interval(secs => $2), updated_at = now()`;
const CLAIMABLE = "(s.lease_until is null or s.lease_until < now())";

/** Claims up to `limit` due sources that no live run holds, most overdue first. */
export async function claimDueSources(
  db: Db,
  owner: string,
  limit: number,
  leaseSeconds: number,
): Promise<SourceRecord[]> {
  const rows = await db.query<SourceRow>(
    `with claimed as (
       update memory_sources u ${CLAIM}
        where u.id in (select s.id from memory_sources s
                        where s.next_due_at <= now() and ${CLAIMABLE}
                        order by s.next_due_at, s.id
                        limit $3
                        for update skip locked)
        returning u.*)
     select ${COLUMNS} from claimed s order by s.next_due_at, s.id`,
    [owner, leaseSeconds, limit],
  );
  return rows.map(toRecord);
}

/** Claims one source whether or not it is due (`POST /sources/{id}/sync`), unless a run holds it. */
export async function claimSource(
  db: Db,
  id: string,
  owner: string,
  leaseSeconds: number,
): Promise<SourceRecord | undefined> {
  const rows = await db.query<SourceRow>(
    `with claimed as (
       update memory_sources u ${CLAIM}
        where u.id = (select s.id from memory_sources s where s.id = $3 and ${CLAIMABLE} for update skip locked)
        returning u.*)
     select ${COLUMNS} from claimed s`,
    [owner, leaseSeconds, id],
  );
  return rows[0] && toRecord(rows[0]);
}

export type RunOutcome = {
  status: SourceStatus;
  error: string | null;
  /** The source URL's validators and hash; kept as they were when the run failed. */
  etag?: string | null;
  lastModified?: string | null;
  contentHash?: string | null;
  /** The run stopped at its deadline: due again at once, so the next run resumes. */
  resumeNow?: boolean;
};

/**
 * Settles a run and schedules the next: after a good run `interval` later;
 * after a failed one `min(interval, 2^failures × 60 s)` later, so a broken
 * source backs off but is never parked for longer than its own interval.
 */
export async function finishSourceRun(db: Db, id: string, owner: string, run: RunOutcome): Promise<boolean> {
  const failed = run.status === "failed";
  const rows = await db.query(
    `update memory_sources set
        last_run_at = now(), last_status = $3, last_error = $4,
        failures = case when $5 then failures + 1 else 0 end,
        next_due_at = case
          when $9 then now()
          when $5 then now() + make_interval(secs => least(interval_seconds, 60 * power(2, least(failures + 1, 20))))
          else now() + make_interval(secs => interval_seconds) end,
        etag = case when $5 then etag else $6 end,
        last_modified = case when $5 then last_modified else $7 end,
        content_hash = case when $5 then content_hash else $8 end,
        lease_owner = null, lease_until = null, updated_at = now()
      where id = $1 and lease_owner = $2
      returning 1 as done`,
    [
      id,
      owner,
      run.status,
      run.error,
      failed,
      run.etag ?? null,
      run.lastModified ?? null,
      run.contentHash ?? null,
      run.resumeNow === true,
    ],
  );
  return rows.length > 0;
}

/** Lets go of a claimed source without a run, due at once (a runtime that cannot read it leaves it to another). */
export async function releaseDue(db: Db, id: string, owner: string): Promise<void> {
  await db.query(
    `update memory_sources set lease_owner = null, lease_until = null, next_due_at = now(), updated_at = now()
      where id = $1 and lease_owner = $2`,
    [id, owner],
  );
}

export * from "./source-items.js";

// ---- health ----------------------------------------------------------------------------------

export type SourceCounts = { total: number; failing: number };

export async function countSources(db: Db): Promise<SourceCounts> {
  const [row] = await db.query<{ total: number; failing: number }>(
    `select count(*)::int as total, (count(*) filter (where last_status = 'failed'))::int as failing
       from memory_sources`,
  );
  return { total: row?.total ?? 0, failing: row?.failing ?? 0 };
}

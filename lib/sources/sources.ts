/**
 * @module
 * Source verbs for the HTTP edge and the CLI: create (the first sync starts
 * in the background, as an upload's job does), read, list, delete. A source
 * owns the documents it created: deleting it deletes them.
 */
import { background } from "../db/index.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { log } from "../log/logger.js";
import type { MemoryContext } from "../memory/types.js";
import {
  deleteSourceAndDocuments,
  insertSource,
  listSourceRecords,
  readSource,
  type SourceRecord,
} from "../store/source-store.js";
import { sealCredentials } from "./secrets.js";
import { type SyncOptions, syncSource } from "./sync.js";
import type { NewSource, Source } from "./types.js";

/**
 * `buckets` are this runtime's bindings: an R2 source whose binding is not here (the API Worker) is left to
 * the ingestion Worker's cron instead of failing its first run.
 */
export async function createSource(
  ctx: MemoryContext,
  input: NewSource,
  opts: Pick<SyncOptions, "buckets"> = {},
): Promise<Source> {
  const { credentials, ...rest } = input;
  const sealedCredentials = credentials ? await sealCredentials(ctx.config.SOURCE_SECRET_KEY, credentials) : null;
  const record = await insertSource(ctx.db, newSourceId(), { ...rest, sealedCredentials });
  if (!record) throw new ConflictError(`index '${input.index}' already has a source for ${input.url}`);
  if (canSyncHere(record, opts.buckets)) {
    // Due at once; this run only makes the first sync fast. If it dies, cron takes over.
    ctx.waitUntil(
      background(() => syncSource(ctx, record.id, opts)).catch((error: unknown) =>
        log.error("source.first_sync_failed", { id: record.id, error }),
      ),
    );
  }
  return publicView(record);
}

/** False for an R2 source on a runtime without its binding. */
function canSyncHere(record: Pick<SourceRecord, "options">, buckets?: SyncOptions["buckets"]): boolean {
  const bucket = record.options.bucket;
  return bucket?.provider !== "r2" || buckets?.(bucket.binding) !== undefined;
}

export async function getSource(ctx: MemoryContext, id: string): Promise<Source> {
  const record = await readSource(ctx.db, id);
  if (!record) throw new NotFoundError("source", id);
  return publicView(record);
}

export async function listSources(
  ctx: MemoryContext,
  page: { index?: string; cursor?: string; limit: number; indexPatterns?: readonly string[] },
): Promise<{ sources: Source[]; nextCursor: string | null }> {
  const rows = await listSourceRecords(ctx.reader ?? ctx.db, {
    index: page.index,
    after: page.cursor,
    limit: page.limit + 1,
    ...(page.indexPatterns ? { indexPatterns: page.indexPatterns } : {}),
  });
  const sources = rows.slice(0, page.limit).map(publicView);
  return { sources, nextCursor: rows.length > page.limit ? sources[sources.length - 1]!.id : null };
}

/** Deletes the source and every document it created; `NotFoundError` when there is no such source. */
export async function deleteSource(ctx: MemoryContext, id: string): Promise<void> {
  if (!(await deleteSourceAndDocuments(ctx.db, id))) throw new NotFoundError("source", id);
}

/** Validators, hashes and rounds are bookkeeping, not API; credentials never leave the database. */
function publicView(record: SourceRecord): Source {
  const {
    etag: _e,
    lastModified: _l,
    contentHash: _c,
    sealedCredentials,
    roundStartedAt: _r,
    options,
    ...source
  } = record;
  return {
    ...source,
    ...(options.bucket ? { bucket: { ...options.bucket, credentials: sealedCredentials ? "stored" : "none" } } : {}),
    ...(options.crawl ? { crawl: options.crawl } : {}),
  };
}

export function newSourceId(): string {
  return `src_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
}

/**
 * @module
 * One run of a bucket source. The listing (ListObjectsV2 pages, or R2's
 * `list`) is compared with what the source tracks, by key and ETag:
 * - a new key: fetched and ingested; a changed ETag: fetched again, and
 *   ingested again unless its bytes hash the same;
 * - the same ETag: skipped without a request;
 * - a key that left the listing: its document deleted (only after a complete
 *   listing, so a run cut short never deletes what it did not get to see).
 * Bounds: `SOURCE_MAX_ITEMS` objects are tracked (in key order), objects over
 * `SOURCE_MAX_BYTES` are skipped with an error, and the run stops at its
 * deadline and is due again at once, resuming with what is still to do.
 */
import { sha256Hex } from "../ingest/hashing.js";
import { uploadDocument } from "../ingest/upload.js";
import type { MemoryContext } from "../memory/types.js";
import type { GuardOptions } from "../net/index.js";
import { deleteDocumentById } from "../store/document-delete.js";
import {
  addItems,
  listItems,
  type RunOutcome,
  recordItem,
  removeItem,
  type SourceRecord,
} from "../store/source-store.js";
import { type BucketBindings, type BucketObject, type BucketReader, r2Reader, s3Reader } from "./bucket.js";
import { ListingInvalid } from "./errors.js";
import { SourceGone } from "./item.js";
import { documentIdFor } from "./naming.js";
import { openCredentials } from "./secrets.js";
import type { SourceRunResult } from "./types.js";

export async function syncBucket(
  ctx: MemoryContext,
  source: SourceRecord,
  reader: BucketReader,
  deadline: number,
): Promise<{ result: SourceRunResult; outcome: RunOutcome }> {
  const max = ctx.config.SOURCE_MAX_ITEMS;
  const listed = new Map<string, BucketObject>();
  let complete = false;
  let note: string | undefined;
  for (let cursor: string | undefined; ; ) {
    const page = await reader.list(cursor);
    for (const object of page.objects) {
      // "folder/" markers hold no document.
      if (object.key.endsWith("/")) continue;
      if (listed.size >= max) {
        note = `the bucket has more than ${max} objects; only the first ${max} (by key) are tracked (SOURCE_MAX_ITEMS)`;
        break;
      }
      listed.set(`${reader.base}/${object.key}`, object);
    }
    if (note || !page.next) {
      complete = true;
      break;
    }
    if (Date.now() >= deadline) break;
    cursor = page.next;
  }

  const stored = new Map((await listItems(ctx.db, source.id)).map((i) => [i.url, i]));
  const fresh = [...listed.keys()].filter((u) => !stored.has(u));
  await addItems(
    ctx.db,
    source.id,
    await Promise.all(fresh.map(async (url) => ({ url, documentId: await documentIdFor(source.id, url) }))),
  );
  let removed = 0;
  if (complete) {
    for (const gone of [...stored.values()].filter((i) => !listed.has(i.url))) {
      await deleteDocumentById(ctx.db, source.index, gone.documentId);
      await removeItem(ctx.db, source.id, gone.url);
      removed++;
    }
  }

  const tally = { updated: 0, unchanged: 0, failed: 0, firstError: undefined as string | undefined };
  let partial = !complete;
  let fetched = 0;
  for (const [url, object] of listed) {
    const item = stored.get(url);
    if (item && item.etag === object.etag && item.contentHash && !item.lastError) {
      tally.unchanged++;
      continue;
    }
    // At least one object per run, so a run whose budget went to the listing still makes progress.
    if (fetched++ > 0 && Date.now() >= deadline) {
      partial = true;
      break;
    }
    try {
      const state = await ingestObject(ctx, source, reader, url, object, item?.contentHash ?? null);
      tally[state]++;
    } catch (error) {
      if (error instanceof SourceGone) throw error;
      tally.failed++;
      const message = error instanceof Error ? error.message : String(error);
      tally.firstError ??= message;
      await recordItem(ctx.db, source.id, url, { error: message.slice(0, 500) }).catch(() => {});
    }
  }

  const checked = tally.updated + tally.unchanged + tally.failed;
  const allFailed = tally.failed > 0 && tally.failed === checked;
  const status = allFailed ? "failed" : tally.updated + removed > 0 ? "updated" : "unchanged";
  const error =
    tally.failed > 0 ? `${tally.failed} of ${checked} objects failed; first: ${tally.firstError}` : (note ?? null);
  const { firstError: _f, ...counts } = tally;
  return {
    result: { sourceId: source.id, status, ...counts, removed, ...(error ? { error } : {}), partial },
    outcome: { status, error, resumeNow: partial },
  };
}

async function ingestObject(
  ctx: MemoryContext,
  source: SourceRecord,
  reader: BucketReader,
  url: string,
  object: BucketObject,
  previousHash: string | null,
): Promise<"updated" | "unchanged"> {
  if (object.size > ctx.config.SOURCE_MAX_BYTES) {
    throw new Error(`${object.key} is ${object.size} bytes, over SOURCE_MAX_BYTES (${ctx.config.SOURCE_MAX_BYTES})`);
  }
  const got = await reader.get(object.key);
  // Deleted between the listing and now: the next run's listing drops it.
  if (!got) return "unchanged";
  const contentHash = await sha256Hex(got.bytes);
  const found = { etag: object.etag, lastModified: null, contentHash, error: null };
  const documentId = await documentIdFor(source.id, url);
  if (contentHash === previousHash) {
    if (!(await recordItem(ctx.db, source.id, url, found))) throw new SourceGone(`source ${source.id} was deleted`);
    return "unchanged";
  }
  await uploadDocument(ctx, {
    index: source.index,
    documentId,
    // The key's own name: the extractors go by the extension first.
    files: [
      {
        name: object.key.split("/").pop() || "object",
        bytes: got.bytes,
        ...(got.contentType ? { contentType: got.contentType } : {}),
        sourceUrl: url,
      },
    ],
    tags: { ...source.tags, source: [source.id] },
    steps: [],
  });
  if (!(await recordItem(ctx.db, source.id, url, found))) {
    await deleteDocumentById(ctx.db, source.index, documentId);
    throw new SourceGone(`source ${source.id} was deleted during its run`);
  }
  return "updated";
}

/** The reader of a bucket source: its R2 binding here, or its S3 API with the opened credentials. */
export async function bucketReader(
  ctx: MemoryContext,
  source: SourceRecord,
  guard: Omit<GuardOptions, "accept" | "validators">,
  opts: { buckets?: BucketBindings; bucketPageSize?: number },
): Promise<BucketReader> {
  const options = source.options.bucket;
  if (!options) throw new ListingInvalid(source.url, "is a bucket source without its bucket");
  if (options.provider === "r2") {
    const binding = opts.buckets?.(options.binding);
    if (!binding) throw new ListingInvalid(source.url, `needs the R2 binding '${options.binding}', absent here`);
    return r2Reader(options, binding, opts.bucketPageSize);
  }
  const creds = source.sealedCredentials
    ? await openCredentials(ctx.config.SOURCE_SECRET_KEY, source.sealedCredentials)
    : undefined;
  return s3Reader(options, creds, guard, opts.bucketPageSize);
}

/**
 * @module
 * Keeps sources in sync. `syncDueSources` is what cron ticks run (after due
 * jobs, within what is left of their budget); `syncSource` is `POST
 * /sources/{id}/sync`. Each source is claimed with a lease first, so
 * overlapping runs never sync one source twice, and each runs in its own
 * try/catch, so a failing source only delays itself (it backs off, see
 * `finishSourceRun`).
 *
 * - `page`: one item, the URL itself.
 * - `sitemap`: the sitemap lists which pages exist; every listed page is
 *   checked on every run (conditional GETs, so unchanged pages cost a 304),
 *   because pages change without their sitemap changing.
 * - `feed`: the feed says what changed, so its entries are only checked when
 *   the feed itself changed (or an entry is still pending from a failed run).
 *   An entry carrying its full text (`content:encoded`, Atom `<content>`) is
 *   ingested from the feed as is, without fetching its link: that text is what
 *   the publisher syndicates, and it saves a request per entry. Other entries
 *   are fetched from their link like pages.
 *
 * URLs that leave a sitemap or feed have their documents deleted.
 */
import { NotFoundError } from "../errors.js";
import { sha256Hex } from "../ingest/hashing.js";
import { log } from "../log/logger.js";
import type { MemoryContext } from "../memory/types.js";
import { type GuardOptions, guardedFetch, type Lookup } from "../net/index.js";
import { deleteDocumentById } from "../store/document-delete.js";
import {
  addItems,
  claimDueSources,
  claimSource,
  finishSourceRun,
  listItems,
  type RunOutcome,
  readSource,
  recordItem,
  releaseDue,
  removeItem,
  type SourceItem,
  type SourceRecord,
} from "../store/source-store.js";
import type { BucketBindings } from "./bucket.js";
import { bucketReader, syncBucket } from "./bucket-sync.js";
import { syncCrawl } from "./crawl.js";
import { checkItem, type InlineContent, SourceGone } from "./item.js";
import { readFeed, readSitemap } from "./listing-read.js";
import { documentIdFor } from "./naming.js";
import type { SourceRunResult, SourceSyncReport } from "./types.js";

export type SyncOptions = {
  budgetMs: number;
  /** For tests: the fetch and resolver the guard uses. */
  fetch?: typeof fetch;
  lookup?: Lookup;
  owner?: string;
  /** This runtime's R2 bindings (the ingestion Worker's `env`); absent on Node. */
  buckets?: BucketBindings;
  /** For tests: objects per bucket listing request (default 1000). */
  bucketPageSize?: number;
};

export async function syncDueSources(ctx: MemoryContext, opts: SyncOptions): Promise<SourceSyncReport> {
  const started = Date.now();
  const deadline = started + opts.budgetMs;
  const report: SourceSyncReport = {
    owner: opts.owner ?? `sources-${crypto.randomUUID().slice(0, 8)}`,
    claimed: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    durationMs: 0,
    stoppedBy: "empty",
    runs: [],
  };
  for (;;) {
    if (Date.now() >= deadline) {
      report.stoppedBy = "budget";
      break;
    }
    // One at a time: a claimed source is always one this run has time to start.
    const [source] = await claimDueSources(ctx.db, report.owner, 1, ctx.config.SOURCE_LEASE_SECONDS);
    if (!source) break;
    report.claimed++;
    const run = await runSource(ctx, source, report.owner, deadline, opts);
    report.runs.push(run);
    if (run.status === "failed") report.failed++;
    else if (run.status === "updated") report.updated++;
    else report.unchanged++;
  }
  report.durationMs = Date.now() - started;
  return report;
}

/**
 * Syncs one source now, due or not. `"taken"` when another run holds it (that
 * run is doing the work); `"deferred"` for an R2 source whose binding is not
 * here (the API Worker): made due at once for the ingestion Worker's cron.
 * Throws `NotFoundError` for an unknown id.
 */
export async function syncSource(
  ctx: MemoryContext,
  id: string,
  opts: Partial<SyncOptions> = {},
): Promise<SourceRunResult | "taken" | "deferred"> {
  const owner = opts.owner ?? `sync-${crypto.randomUUID().slice(0, 8)}`;
  const source = await claimSource(ctx.db, id, owner, ctx.config.SOURCE_LEASE_SECONDS);
  if (!source) {
    if (!(await readSource(ctx.db, id))) throw new NotFoundError("source", id);
    return "taken";
  }
  const r2 = source.options.bucket?.provider === "r2" ? source.options.bucket.binding : undefined;
  if (r2 !== undefined && !opts.buckets?.(r2)) {
    await releaseDue(ctx.db, source.id, owner);
    return "deferred";
  }
  const deadline = Date.now() + (opts.budgetMs ?? ctx.config.JOBS_BUDGET_MS);
  return runSource(ctx, source, owner, deadline, opts);
}

type Tally = { updated: number; unchanged: number; removed: number; failed: number; firstError?: string };

async function runSource(
  ctx: MemoryContext,
  source: SourceRecord,
  owner: string,
  deadline: number,
  opts: Partial<SyncOptions>,
): Promise<SourceRunResult> {
  const guard: Omit<GuardOptions, "accept" | "validators"> = {
    maxBytes: ctx.config.SOURCE_MAX_BYTES,
    timeoutMs: ctx.config.SOURCE_FETCH_TIMEOUT_MS,
    allowPrivate: ctx.config.SOURCE_ALLOW_PRIVATE,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
  };
  const started = Date.now();
  let result: SourceRunResult;
  let outcome: RunOutcome;
  try {
    ({ result, outcome } =
      source.kind === "page"
        ? await syncPage(ctx, source, guard)
        : source.kind === "bucket"
          ? await syncBucket(ctx, source, await bucketReader(ctx, source, guard, opts), deadline)
          : source.kind === "crawl"
            ? await syncCrawl(ctx, source, guard, deadline)
            : await syncListing(ctx, source, guard, deadline));
  } catch (error) {
    if (error instanceof SourceGone) {
      return { sourceId: source.id, status: "failed", error: error.message, ...zero(), partial: false };
    }
    const message = readable(error);
    result = { sourceId: source.id, status: "failed", error: message, ...zero(), failed: 1, partial: false };
    outcome = { status: "failed", error: message };
  }
  await finishSourceRun(ctx.db, source.id, owner, outcome);
  (result.status === "failed" ? log.warn : log.info)("source.synced", {
    ...result,
    kind: source.kind,
    index: source.index,
    durationMs: Date.now() - started,
  });
  return result;
}

async function syncPage(
  ctx: MemoryContext,
  source: SourceRecord,
  guard: Omit<GuardOptions, "accept" | "validators">,
): Promise<{ result: SourceRunResult; outcome: RunOutcome }> {
  const documentId = await documentIdFor(source.id, source.url);
  await addItems(ctx.db, source.id, [{ url: source.url, documentId }]);
  const item: SourceItem = {
    url: source.url,
    documentId,
    etag: source.etag,
    lastModified: source.lastModified,
    contentHash: source.contentHash,
    lastError: null,
  };
  const found = await checkItem(ctx, source, item, guard);
  const updated = found.state === "updated" ? 1 : 0;
  return {
    result: { sourceId: source.id, status: found.state, ...zero(), updated, unchanged: 1 - updated, partial: false },
    outcome: { status: found.state, error: null, ...found },
  };
}

async function syncListing(
  ctx: MemoryContext,
  source: SourceRecord,
  guard: Omit<GuardOptions, "accept" | "validators">,
  deadline: number,
): Promise<{ result: SourceRunResult; outcome: RunOutcome }> {
  const stored = await listItems(ctx.db, source.id);
  // An item left without content by a failed run makes the next run read the listing in full.
  const pending = stored.some((i) => i.contentHash === null || i.lastError !== null);
  const validators =
    source.contentHash && !pending ? { etag: source.etag, lastModified: source.lastModified } : undefined;
  const got = await guardedFetch(source.url, { ...guard, accept: "listing", ...(validators ? { validators } : {}) });

  let listing = { etag: source.etag, lastModified: source.lastModified, contentHash: source.contentHash };
  let listed: Map<string, InlineContent | undefined> | undefined;
  let note: string | undefined;
  if (got.status === 200) {
    listing = { etag: got.etag, lastModified: got.lastModified, contentHash: await sha256Hex(got.bytes) };
    const urls =
      source.kind === "sitemap"
        ? await readSitemap(got, guard)
        : readFeed(new TextDecoder().decode(got.bytes), got.url);
    const max = ctx.config.SOURCE_MAX_ITEMS;
    if (urls.size > max)
      note = `the listing has ${urls.size} URLs; only the first ${max} are tracked (SOURCE_MAX_ITEMS)`;
    listed = new Map([...urls].slice(0, max));
  }
  const listingUnchanged = got.status === 304 || listing.contentHash === source.contentHash;

  const tally: Tally = { updated: 0, unchanged: 0, removed: 0, failed: 0 };
  if (listed) {
    const known = new Set(stored.map((i) => i.url));
    const fresh = [...listed.keys()].filter((u) => !known.has(u));
    await addItems(
      ctx.db,
      source.id,
      await Promise.all(fresh.map(async (url) => ({ url, documentId: await documentIdFor(source.id, url) }))),
    );
    for (const gone of stored.filter((i) => !listed.has(i.url))) {
      await deleteDocumentById(ctx.db, source.index, gone.documentId);
      await removeItem(ctx.db, source.id, gone.url);
      tally.removed++;
    }
  }

  let partial = false;
  const skipItems = source.kind === "feed" && listingUnchanged && !pending;
  if (!skipItems) {
    for (const item of await listItems(ctx.db, source.id)) {
      if (Date.now() >= deadline) {
        partial = true;
        break;
      }
      try {
        const found = await checkItem(ctx, source, item, guard, listed?.get(item.url));
        if (found.state === "updated") tally.updated++;
        else tally.unchanged++;
      } catch (error) {
        if (error instanceof SourceGone) throw error;
        tally.failed++;
        const message = readable(error);
        tally.firstError ??= message;
        // Best effort: if even this write fails, the item simply stays as it was.
        await recordItem(ctx.db, source.id, item.url, { error: message }).catch(() => {});
      }
    }
  }

  const checked = tally.updated + tally.unchanged + tally.failed;
  const allFailed = tally.failed > 0 && tally.failed === checked;
  const status = allFailed
    ? "failed"
    : tally.updated + tally.removed > 0
      ? "updated"
      : got.status === 304 && tally.updated === 0
        ? "not_modified"
        : "unchanged";
  const error =
    tally.failed > 0 ? `${tally.failed} of ${checked} items failed; first: ${tally.firstError}` : (note ?? null);
  // A partial run keeps the old listing validators, so the next run reads the listing again.
  const keep = partial || allFailed;
  return {
    result: { sourceId: source.id, status, ...tally, ...(error ? { error } : {}), partial },
    outcome: {
      status,
      error,
      ...(keep ? { etag: source.etag, lastModified: source.lastModified, contentHash: source.contentHash } : listing),
      resumeNow: partial,
    },
  };
}

function zero() {
  return { updated: 0, unchanged: 0, removed: 0, failed: 0 };
}

function readable(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}

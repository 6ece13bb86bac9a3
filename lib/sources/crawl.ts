/**
 * @module
 * One run of a crawl source: a website read from its root URL, breadth first.
 * Same host only (links and redirects elsewhere are not followed), at most
 * `maxDepth` links from the root and `maxPages` pages (and `SOURCE_MAX_ITEMS`),
 * robots.txt obeyed (`robots-parser`, our user agent), `<link rel=canonical>`
 * honoured (a page naming another as canonical is not ingested; the canonical
 * one is crawled instead, so duplicates collapse into one document), and every
 * request through the guarded fetch.
 *
 * A round of the crawl can span runs: its frontier lives in the items table
 * (`store/source-items.ts`), so a run that reaches its deadline stops and the
 * next run, due at once, goes on where it stopped. Pages are fetched with the
 * validators of the last round (a 304 reuses the stored links), and a page
 * whose bytes hash the same is not ingested again. When a round ends, pages
 * it did not reach have their documents deleted.
 */
import robotsParser from "robots-parser";
import { sha256Hex } from "../ingest/hashing.js";
import { uploadDocument } from "../ingest/upload.js";
import type { MemoryContext } from "../memory/types.js";
import { FetchFailed, type GuardOptions, guardedFetch, USER_AGENT } from "../net/index.js";
import { deleteDocumentById } from "../store/document-delete.js";
import type { RunOutcome, SourceRecord } from "../store/source-store.js";
import {
  type CrawlItem,
  countDiscovered,
  discoverItems,
  endRound,
  pendingPages,
  recordItem,
  removeItem,
  stalePages,
  startRound,
} from "../store/source-store.js";
import { readPage } from "./crawl-page.js";
import { SourceGone } from "./item.js";
import { documentIdFor, fileNameFor } from "./naming.js";
import type { SourceRunResult } from "./types.js";

export const CRAWL_DEFAULTS = { maxDepth: 3, maxPages: 100 };

type Guard = Omit<GuardOptions, "accept" | "validators">;
type Robots = { isAllowed(url: string, ua?: string): boolean | undefined };
type Tally = { updated: number; unchanged: number; removed: number; failed: number; firstError?: string };

export async function syncCrawl(
  ctx: MemoryContext,
  source: SourceRecord,
  guard: Guard,
  deadline: number,
): Promise<{ result: SourceRunResult; outcome: RunOutcome }> {
  const { maxDepth, maxPages } = source.options.crawl ?? CRAWL_DEFAULTS;
  const cap = Math.min(maxPages, ctx.config.SOURCE_MAX_ITEMS);
  const host = new URL(source.url).host;
  const robots = await readRobots(source.url, guard);
  const round = await startRound(ctx.db, source.id);
  const allowed = (url: string) => new URL(url).host === host && robots.isAllowed(url, USER_AGENT) !== false;
  const discover = async (urls: string[], depth: number) => {
    let room = cap - (await countDiscovered(ctx.db, source.id, round));
    const fresh = [];
    for (const url of urls) {
      if (room <= 0) break;
      if (!allowed(url)) continue;
      fresh.push({ url, documentId: await documentIdFor(source.id, url), depth });
      room--;
    }
    await discoverItems(ctx.db, source.id, round, fresh);
  };
  if (allowed(source.url)) await discover([source.url], 0);

  const tally: Tally = { updated: 0, unchanged: 0, removed: 0, failed: 0 };
  let partial = false;
  // At least one page per run, so a run whose budget went to robots.txt still moves the round on.
  for (let done = 0; ; done++) {
    if (done > 0 && Date.now() >= deadline) {
      partial = true;
      break;
    }
    const [page] = await pendingPages(ctx.db, source.id, round, 1);
    if (!page) break;
    try {
      const found = await crawlPage(ctx, source, page, guard, host);
      if (found.state === "updated") tally.updated++;
      else tally.unchanged++;
      if (found.links.length > 0 && page.depth < maxDepth) await discover(found.links, page.depth + 1);
    } catch (error) {
      if (error instanceof SourceGone) throw error;
      tally.failed++;
      const message = error instanceof Error ? error.message : String(error);
      tally.firstError ??= message;
      if (!(await recordItem(ctx.db, source.id, page.url, { error: message.slice(0, 500) }))) {
        throw new SourceGone(`source ${source.id} was deleted during its run`);
      }
    }
  }

  if (!partial) {
    // The round is complete: what it did not reach is gone (or outside the limits, or disallowed now).
    for (const gone of await stalePages(ctx.db, source.id, round)) {
      await deleteDocumentById(ctx.db, source.index, gone.documentId);
      await removeItem(ctx.db, source.id, gone.url);
      tally.removed++;
    }
    await endRound(ctx.db, source.id);
  }
  const checked = tally.updated + tally.unchanged + tally.failed;
  const allFailed = tally.failed > 0 && tally.failed === checked;
  const status = allFailed ? "failed" : tally.updated + tally.removed > 0 ? "updated" : "unchanged";
  const error = tally.failed > 0 ? `${tally.failed} of ${checked} pages failed; first: ${tally.firstError}` : null;
  const { firstError: _f, ...counts } = tally;
  return {
    result: { sourceId: source.id, status, ...counts, ...(error ? { error } : {}), partial },
    outcome: { status, error, resumeNow: partial },
  };
}

/** Fetches a page, ingests it when it changed, and returns the links to follow. */
async function crawlPage(
  ctx: MemoryContext,
  source: SourceRecord,
  page: CrawlItem,
  guard: Guard,
  host: string,
): Promise<{ state: "updated" | "unchanged"; links: string[] }> {
  // Validators only count when we hold what they describe, links included.
  const validators = page.contentHash && page.links ? { etag: page.etag, lastModified: page.lastModified } : undefined;
  const settle = async (found: Parameters<typeof recordItem>[3]) => {
    if (!(await recordItem(ctx.db, source.id, page.url, { error: null, ...found }))) {
      throw new SourceGone(`source ${source.id} was deleted during its run`);
    }
  };
  const drop = async (links: string[]) => {
    // Not a document of this crawl (anymore): a redirect off the host, a canonical alias, noindex.
    if (page.contentHash) await deleteDocumentById(ctx.db, source.index, page.documentId);
    await settle({ contentHash: null, etag: null, lastModified: null, links });
    return { state: "unchanged" as const, links };
  };
  let got: Awaited<ReturnType<typeof guardedFetch>>;
  try {
    got = await guardedFetch(page.url, { ...guard, accept: "document", ...(validators ? { validators } : {}) });
  } catch (error) {
    // A page that is gone (404, 410) leaves the crawl like an unlinked one; other failures are retried.
    if (error instanceof FetchFailed && (error.status === 404 || error.status === 410)) return drop([]);
    throw error;
  }
  if (got.status === 304) {
    await settle({});
    return { state: "unchanged", links: page.links ?? [] };
  }
  if (new URL(got.url).host !== host) return drop([]);
  const html = got.contentType === "text/html" || got.contentType === "application/xhtml+xml";
  const facts = html ? readPage(new TextDecoder().decode(got.bytes), got.url) : undefined;
  const links = facts && !facts.nofollow ? facts.links : [];
  if (facts?.canonical && facts.canonical !== page.url && new URL(facts.canonical).host === host) {
    return drop([facts.canonical, ...links]);
  }
  if (facts?.noindex) return drop(links);
  const contentHash = await sha256Hex(got.bytes);
  const found = { etag: got.etag, lastModified: got.lastModified, contentHash, links };
  if (contentHash === page.contentHash) {
    await settle(found);
    return { state: "unchanged", links };
  }
  await uploadDocument(ctx, {
    index: source.index,
    documentId: page.documentId,
    files: [
      {
        name: fileNameFor(page.url, got.contentType),
        bytes: got.bytes,
        contentType: got.contentType,
        sourceUrl: page.url,
      },
    ],
    tags: { ...source.tags, source: [source.id] },
    steps: [],
  });
  try {
    await settle(found);
  } catch (error) {
    await deleteDocumentById(ctx.db, source.index, page.documentId);
    throw error;
  }
  return { state: "updated", links };
}

/** The site's robots.txt; a missing one (4xx) allows everything, as RFC 9309 says. */
async function readRobots(rootUrl: string, guard: Guard): Promise<Robots> {
  const url = new URL("/robots.txt", rootUrl).href;
  try {
    const got = await guardedFetch(url, { ...guard, accept: "any" });
    const text = got.status === 200 ? new TextDecoder().decode(got.bytes) : "";
    return robotsParser(url, text) as Robots;
  } catch (error) {
    if (error instanceof FetchFailed && error.status !== undefined && error.status >= 400 && error.status < 500) {
      return robotsParser(url, "") as Robots;
    }
    throw error;
  }
}

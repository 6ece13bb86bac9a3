/**
 * @module
 * The shapes of sources: URLs the service keeps in sync by itself. A `page` is
 * one document; a `sitemap` or `feed` lists URLs, each synced like a page, and
 * a URL that leaves the list has its document deleted.
 */
import type { NewSourceRecord, SourceRecord, SourceStatus } from "../store/records.js";

export { SOURCE_KINDS, type SourceKind, type SourceStatus } from "../store/records.js";

export const MIN_INTERVAL_SECONDS = 60;
export const DEFAULT_INTERVAL_SECONDS = 3600;

/** A source as the API shows it: the stored record without its page validators. */
export type Source = Omit<SourceRecord, "etag" | "lastModified" | "contentHash">;

export type NewSource = NewSourceRecord;

/** What one source's run did. */
export type SourceRunResult = {
  sourceId: string;
  status: SourceStatus;
  /** Items whose document was (re)uploaded. */
  updated: number;
  /** Items the server answered 304 for, or whose bytes had not changed. */
  unchanged: number;
  /** Items that left the sitemap or feed; their documents were deleted. */
  removed: number;
  failed: number;
  error?: string;
  /** True when the run stopped at its deadline; the rest is picked up by the next one. */
  partial: boolean;
};

export type SourceSyncReport = {
  owner: string;
  claimed: number;
  updated: number;
  unchanged: number;
  failed: number;
  durationMs: number;
  stoppedBy: "empty" | "budget";
  runs: SourceRunResult[];
};

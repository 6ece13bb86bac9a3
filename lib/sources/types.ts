/**
 * @module
 * The shapes of sources: URLs the service keeps in sync by itself. A `page` is
 * one document; a `sitemap` or `feed` lists URLs, each synced like a page, and
 * a URL that leaves the list has its document deleted.
 */
import type { Tags } from "../memory/types.js";

export const SOURCE_KINDS = ["page", "sitemap", "feed"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What the last run found: `not_modified` = the server said 304; `unchanged` = same bytes as before. */
export type SourceStatus = "unchanged" | "updated" | "failed" | "not_modified";

export const MIN_INTERVAL_SECONDS = 60;
export const DEFAULT_INTERVAL_SECONDS = 3600;

export type Source = {
  id: string;
  index: string;
  kind: SourceKind;
  url: string;
  tags: Tags;
  intervalSeconds: number;
  createdAt: string;
  nextDueAt: string;
  lastRunAt: string | null;
  lastStatus: SourceStatus | null;
  lastError: string | null;
  /** Consecutive failed runs (the backoff exponent). */
  failures: number;
  /** URLs the source tracks (1 for a page once it has run). */
  itemCount: number;
};

export type NewSource = {
  index: string;
  kind: SourceKind;
  url: string;
  tags: Tags;
  intervalSeconds: number;
};

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

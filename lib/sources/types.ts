/**
 * @module
 * The shapes of sources: URLs the service keeps in sync by itself. A `page` is
 * one document; a `sitemap` or `feed` lists URLs, each synced like a page, and
 * a URL that leaves the list has its document deleted.
 */
import type { BucketOptions, CrawlOptions, NewSourceRecord, SourceRecord, SourceStatus } from "../store/records.js";
import type { BucketCredentials } from "./secrets.js";

export {
  type BucketOptions,
  type CrawlOptions,
  SOURCE_KINDS,
  type SourceKind,
  type SourceStatus,
} from "../store/records.js";
export type { BucketCredentials } from "./secrets.js";

export const MIN_INTERVAL_SECONDS = 60;
export const DEFAULT_INTERVAL_SECONDS = 3600;

/**
 * A source as the API shows it: the stored record without its validators, round and sealed credentials; a
 * bucket says only whether credentials are stored.
 */
export type Source = Omit<
  SourceRecord,
  "etag" | "lastModified" | "contentHash" | "options" | "sealedCredentials" | "roundStartedAt"
> & {
  bucket?: BucketOptions & { credentials: "stored" | "none" };
  crawl?: CrawlOptions;
};

/** What creating a source takes: credentials in the clear, sealed before they are stored. */
export type NewSource = Omit<NewSourceRecord, "sealedCredentials"> & { credentials?: BucketCredentials };

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

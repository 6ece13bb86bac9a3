/**
 * @module
 * The plain records the stores take and return. They sit at the bottom of the
 * domain so stores never import the layers above them; `lib/memory/types.ts`
 * and `lib/sources/types.ts` derive their API shapes from these, and the
 * verbs in `memory/` and `sources/` turn records into API responses.
 */

/** `{ key: [values] }`, as Kernel Memory serialises a TagCollection. */
export type Tags = Record<string, string[]>;

/**
 * A filter: every tag listed must be present (AND); a list of filters is OR-ed.
 * Extensions that Kernel Memory clients never send: `$not` (none of these tags)
 * and `$range` (`{ key: { gt?, gte?, lt?, lte? } }`, numeric when both sides are
 * numbers, else lexical, so ISO dates work).
 */
export type MemoryFilter = Record<string, unknown>;

export type PipelineStep = "extract" | "partition" | "gen_embeddings" | "save_records";

/** A document's pipeline status as stored. */
export type StatusRecord = {
  index: string;
  documentId: string;
  tags: Tags;
  steps: string[];
  completedSteps: string[];
  remainingSteps: string[];
  failed: boolean;
  /** Set when `failed`: which step failed and why, readable. */
  error: { step: string; message: string } | null;
  /** Set when the document completed without any text: why (KM's `empty`). */
  emptyReason: string | null;
  creation: Date;
  lastUpdate: Date;
};

export type DocumentRecord = {
  index: string;
  documentId: string;
  tags: Tags;
  completed: boolean;
  failed: boolean;
  files: Array<{ fileId: string; name: string; contentType: string; size: number }>;
  creation: string;
  lastUpdate: string;
};

export const SOURCE_KINDS = ["page", "sitemap", "feed"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What the last run found: `not_modified` = the server said 304; `unchanged` = same bytes as before. */
export type SourceStatus = "unchanged" | "updated" | "failed" | "not_modified";

export type NewSourceRecord = {
  index: string;
  kind: SourceKind;
  url: string;
  tags: Tags;
  intervalSeconds: number;
};

/** A source as stored, with the validators of a page source's one item. */
export type SourceRecord = NewSourceRecord & {
  id: string;
  createdAt: string;
  nextDueAt: string;
  lastRunAt: string | null;
  lastStatus: SourceStatus | null;
  lastError: string | null;
  /** Consecutive failed runs (the backoff exponent). */
  failures: number;
  /** URLs the source tracks (1 for a page once it has run). */
  itemCount: number;
  etag: string | null;
  lastModified: string | null;
  contentHash: string | null;
};

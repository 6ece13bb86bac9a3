/**
 * @module
 * Input rules for sources, transport-free: each returns a normalised value or
 * throws a `ValidationError` naming the field, which the edge answers with 400.
 */
import { ValidationError } from "../errors.js";
import { checkUrl, FetchRefused } from "../net/index.js";
import {
  DEFAULT_INTERVAL_SECONDS,
  MIN_INTERVAL_SECONDS,
  type NewSource,
  SOURCE_KINDS,
  type SourceKind,
} from "../sources/types.js";
import { validateBucket, validateCrawl } from "./source-kinds.js";
import { normalizeIndexName, validateTags } from "./validate.js";

export const MAX_URL_LENGTH = 2048;
/** A source checked less than monthly is better served by a one-off upload. */
export const MAX_INTERVAL_SECONDS = 30 * 24 * 3600;
const SOURCE_ID = /^src_[0-9a-f]{20}$/;

export type SourceInput = {
  url?: unknown;
  bucket?: unknown;
  crawl?: unknown;
  kind: unknown;
  index?: string | null;
  tags?: Record<string, unknown> | null;
  intervalSeconds?: unknown;
};

/**
 * `allowPrivate` mirrors `SOURCE_ALLOW_PRIVATE`: the URL checks that need no
 * network run here too, so `file:`, credentials or a metadata address are
 * refused when the source is created, not at its first run.
 */
export function validateNewSource(input: SourceInput, allowPrivate: boolean): NewSource {
  if (typeof input.url !== "string" || input.url.trim() === "") throw new ValidationError("url: required");
  if (input.url.length > MAX_URL_LENGTH) throw new ValidationError(`url: at most ${MAX_URL_LENGTH} characters`);
  if (input.bucket !== undefined && input.bucket !== null && input.kind !== "bucket") {
    throw new ValidationError("bucket: only for kind bucket");
  }
  if (input.crawl !== undefined && input.crawl !== null && input.kind !== "crawl") {
    throw new ValidationError("crawl: only for kind crawl");
  }
  if (input.kind === "bucket") return validateBucketSource(input.url.trim(), input, allowPrivate);
  let url: URL;
  try {
    url = checkUrl(input.url.trim(), allowPrivate);
  } catch (error) {
    if (error instanceof FetchRefused) throw new ValidationError(`url: ${error.reason}`);
    throw error;
  }
  if (!(SOURCE_KINDS as readonly unknown[]).includes(input.kind)) {
    throw new ValidationError(`kind: must be one of ${SOURCE_KINDS.join(", ")}`);
  }
  // A fragment never reaches the server; without it, "#a" and "#b" are one source.
  url.hash = "";
  return {
    url: url.href,
    kind: input.kind as SourceKind,
    ...common(input),
    ...(input.kind === "crawl" ? { options: { crawl: validateCrawl(input.crawl) } } : {}),
  };
}

function common(input: SourceInput): Pick<NewSource, "index" | "tags" | "intervalSeconds"> {
  const interval = input.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  if (typeof interval !== "number" || !Number.isInteger(interval)) {
    throw new ValidationError("intervalSeconds: must be an integer");
  }
  if (interval < MIN_INTERVAL_SECONDS || interval > MAX_INTERVAL_SECONDS) {
    throw new ValidationError(`intervalSeconds: must be between ${MIN_INTERVAL_SECONDS} and ${MAX_INTERVAL_SECONDS}`);
  }
  return {
    index: normalizeIndexName(input.index),
    tags: validateTags(input.tags),
    intervalSeconds: interval,
  };
}

function validateBucketSource(rawUrl: string, input: SourceInput, allowPrivate: boolean): NewSource {
  const { options, credentials, url } = validateBucket(rawUrl, input.bucket, allowPrivate);
  return {
    url,
    kind: "bucket",
    ...common(input),
    options: { bucket: options },
    ...(credentials ? { credentials } : {}),
  };
}

export function validateSourceId(raw: string): string {
  if (!SOURCE_ID.test(raw)) throw new ValidationError("id: not a source id (src_ followed by 20 hex digits)");
  return raw;
}

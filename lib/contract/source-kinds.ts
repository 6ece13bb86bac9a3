/**
 * @module
 * Input rules of the two sources that are more than a URL: a `bucket` (its
 * URL names it; `{ region?, accessKeyId?, secretAccessKey? }` for S3) and a
 * `crawl`'s limits (`{ maxDepth?, maxPages? }`). Each throws a
 * `ValidationError` naming the field; credentials come back apart from the
 * options, since only the options are ever shown.
 */
import { ValidationError } from "../errors.js";
import { checkUrl, FetchRefused } from "../net/index.js";
import type { BucketCredentials, BucketOptions, CrawlOptions } from "../sources/types.js";

export const CRAWL_LIMITS = { maxDepth: { max: 10, default: 3 }, maxPages: { max: 10_000, default: 100 } };

const BINDING = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
// S3's bucket naming rules (lower-case letters, digits, dots and hyphens, 3-63 characters).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,32}$/;

/**
 * A bucket is named by its URL: `r2://BINDING/prefix` (an R2 binding of the ingestion Worker) or the path-style
 * S3 URL `https://endpoint/bucket/prefix`; `bucket` carries the rest (`region`, `accessKeyId`, `secretAccessKey`).
 */
export function validateBucket(
  rawUrl: string,
  raw: unknown,
  allowPrivate: boolean,
): { options: BucketOptions; credentials?: BucketCredentials; url: string } {
  const input = raw === undefined || raw === null ? {} : record(raw, "bucket");
  if (rawUrl.startsWith("r2://")) {
    only(input, [], "bucket");
    const [binding = "", ...rest] = rawUrl.slice("r2://".length).split("/");
    if (!BINDING.test(binding)) throw new ValidationError("url: r2://BINDING/prefix, BINDING an R2 binding's name");
    const prefix = prefixOf(rest);
    return { options: { provider: "r2", binding, prefix }, url: `r2://${binding}/${prefix}` };
  }
  only(input, ["region", "accessKeyId", "secretAccessKey"], "bucket");
  let url: URL;
  try {
    url = checkUrl(rawUrl, allowPrivate);
  } catch (error) {
    if (error instanceof FetchRefused) throw new ValidationError(`url: ${error.reason} (or r2://BINDING/prefix)`);
    throw error;
  }
  if (url.search || url.hash) throw new ValidationError("url: a bucket URL has no query or fragment");
  const [name = "", ...rest] = url.pathname.slice(1).split("/").map(decodeURIComponent);
  if (!BUCKET.test(name)) {
    throw new ValidationError(
      "url: https://endpoint/bucket/prefix, bucket a bucket name (3-63 lower-case letters, digits, '.' or '-')",
    );
  }
  const prefix = prefixOf(rest);
  const region = optionalString(input.region, "bucket.region", 32) ?? "us-east-1";
  if (!REGION.test(region)) throw new ValidationError("bucket.region: lower-case letters, digits and '-'");
  const keyId = optionalString(input.accessKeyId, "bucket.accessKeyId", 256);
  const secret = optionalString(input.secretAccessKey, "bucket.secretAccessKey", 256);
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new ValidationError(
      "bucket: accessKeyId and secretAccessKey come together (or neither, for a public bucket)",
    );
  }
  return {
    options: { provider: "s3", endpoint: url.origin, bucket: name, prefix, region },
    url: `${url.origin}/${name}/${prefix}`,
    ...(keyId && secret ? { credentials: { accessKeyId: keyId, secretAccessKey: secret } } : {}),
  };
}

function prefixOf(segments: string[]): string {
  const prefix = segments.join("/");
  if (prefix.length > 1024) throw new ValidationError("url: the prefix is over 1024 characters");
  return prefix;
}

export function validateCrawl(raw: unknown): CrawlOptions {
  const input = raw === undefined || raw === null ? {} : record(raw, "crawl");
  only(input, ["maxDepth", "maxPages"], "crawl");
  return {
    maxDepth: bounded(input.maxDepth, "crawl.maxDepth", 0, CRAWL_LIMITS.maxDepth),
    maxPages: bounded(input.maxPages, "crawl.maxPages", 1, CRAWL_LIMITS.maxPages),
  };
}

function record(raw: unknown, field: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ValidationError(`${field}: an object`);
  return raw as Record<string, unknown>;
}

function only(input: Record<string, unknown>, keys: string[], field: string): void {
  const extra = Object.keys(input).find((k) => !keys.includes(k));
  if (extra !== undefined) throw new ValidationError(`${field}.${extra.slice(0, 40)}: unknown field`);
}

function optionalString(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    throw new ValidationError(`${field}: a string of 1 to ${max} characters`);
  }
  return value;
}

function bounded(value: unknown, field: string, min: number, limit: { max: number; default: number }): number {
  if (value === undefined || value === null) return limit.default;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > limit.max) {
    throw new ValidationError(`${field}: an integer from ${min} to ${limit.max}`);
  }
  return value;
}

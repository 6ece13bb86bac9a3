/**
 * @module
 * Input rules of the two sources that are more than a URL: a `bucket`
 * (`{ provider: "s3", endpoint, bucket, prefix?, region?, accessKeyId?,
 * secretAccessKey? }` or `{ provider: "r2", binding, prefix? }`) and a
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

export function validateBucket(
  raw: unknown,
  allowPrivate: boolean,
): { options: BucketOptions; credentials?: BucketCredentials; url: string } {
  const input = record(raw, "bucket");
  const prefix = optionalString(input.prefix, "bucket.prefix", 1024) ?? "";
  if (input.provider === "r2") {
    only(input, ["provider", "binding", "prefix"], "bucket");
    if (typeof input.binding !== "string" || !BINDING.test(input.binding)) {
      throw new ValidationError("bucket.binding: the name of an R2 binding (letters, digits, _)");
    }
    return { options: { provider: "r2", binding: input.binding, prefix }, url: `r2://${input.binding}/${prefix}` };
  }
  if (input.provider !== "s3") throw new ValidationError("bucket.provider: must be one of s3, r2");
  only(input, ["provider", "endpoint", "bucket", "prefix", "region", "accessKeyId", "secretAccessKey"], "bucket");
  if (typeof input.endpoint !== "string" || input.endpoint.length > 512) {
    throw new ValidationError("bucket.endpoint: required, the S3 API's base URL (https://s3.<region>.amazonaws.com)");
  }
  let endpoint: URL;
  try {
    endpoint = checkUrl(input.endpoint.trim(), allowPrivate);
  } catch (error) {
    if (error instanceof FetchRefused) throw new ValidationError(`bucket.endpoint: ${error.reason}`);
    throw error;
  }
  if (endpoint.pathname.replace(/\/+$/, "") !== "" || endpoint.search || endpoint.hash) {
    throw new ValidationError("bucket.endpoint: the API's base URL only, without a path or query");
  }
  if (typeof input.bucket !== "string" || !BUCKET.test(input.bucket)) {
    throw new ValidationError("bucket.bucket: a bucket name (3-63 lower-case letters, digits, '.' or '-')");
  }
  const region = optionalString(input.region, "bucket.region", 32) ?? "us-east-1";
  if (!REGION.test(region)) throw new ValidationError("bucket.region: lower-case letters, digits and '-'");
  const keyId = optionalString(input.accessKeyId, "bucket.accessKeyId", 256);
  const secret = optionalString(input.secretAccessKey, "bucket.secretAccessKey", 256);
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new ValidationError(
      "bucket: accessKeyId and secretAccessKey come together (or neither, for a public bucket)",
    );
  }
  const options: BucketOptions = { provider: "s3", endpoint: endpoint.origin, bucket: input.bucket, prefix, region };
  return {
    options,
    url: `${endpoint.origin}/${input.bucket}/${prefix}`,
    ...(keyId && secret ? { credentials: { accessKeyId: keyId, secretAccessKey: secret } } : {}),
  };
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

/**
 * @module
 * Reading a bucket the same way whatever holds it: list one page of objects
 * (key, ETag, size), get one object's bytes. R2 is read through its Workers
 * binding; any S3-compatible API through ListObjectsV2 and GetObject, signed
 * with SigV4 by `aws4fetch` (fetch-based, so it runs on Workers and Node) and
 * sent through the guarded fetch like every other outbound request, with no
 * redirects, so signed headers never travel to another host.
 *
 * @example
 * const reader = s3Reader(options, creds, guard);
 * const page = await reader.list(undefined); // { objects: [{ key, etag, size }], next?: "…" }
 */
import { AwsClient } from "aws4fetch";
import { Parser } from "htmlparser2";
import { AppError } from "../errors.js";
import { type GuardOptions, guardedFetch } from "../net/index.js";
import type { BucketOptions } from "../store/records.js";
import type { BucketCredentials } from "./secrets.js";

export type BucketObject = { key: string; etag: string; size: number };
export type BucketPage = { objects: BucketObject[]; next?: string };

export type BucketReader = {
  /** Item URLs are `${base}/${key}`: the object's address (also the citation's `sourceUrl`). */
  base: string;
  list(cursor: string | undefined): Promise<BucketPage>;
  get(key: string): Promise<{ bytes: Uint8Array; contentType?: string } | undefined>;
};

/** The part of Workers' `R2Bucket` a source reads (so Node code needs no Workers types). */
export type R2BucketLike = {
  list(options: { prefix?: string; cursor?: string; limit?: number }): Promise<{
    objects: Array<{ key: string; etag: string; size: number }>;
    truncated: boolean;
    cursor?: string;
  }>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; httpMetadata?: { contentType?: string } } | null>;
};

/** A runtime's R2 bindings by name; `undefined` where there is no such binding (Node, the API Worker). */
export type BucketBindings = (name: string) => R2BucketLike | undefined;

/** Looks bindings up in a Worker's `env`: anything with `list` and `get` functions counts as an R2 bucket. */
export function bucketBindingsOf(env: Record<string, unknown>): BucketBindings {
  return (name) => {
    const b = env[name] as Partial<R2BucketLike> | undefined;
    return b && typeof b.list === "function" && typeof b.get === "function" ? (b as R2BucketLike) : undefined;
  };
}

/** Objects per listing request: S3's and R2's maximum. */
export const PAGE_SIZE = 1000;

export function r2Reader(
  options: Extract<BucketOptions, { provider: "r2" }>,
  bucket: R2BucketLike,
  pageSize = PAGE_SIZE,
): BucketReader {
  return {
    base: `r2://${options.binding}`,
    async list(cursor) {
      const page = await bucket.list({ prefix: options.prefix, limit: pageSize, ...(cursor ? { cursor } : {}) });
      return {
        objects: page.objects.map((o) => ({ key: o.key, etag: o.etag, size: o.size })),
        ...(page.truncated && page.cursor ? { next: page.cursor } : {}),
      };
    },
    async get(key) {
      const object = await bucket.get(key);
      if (!object) return undefined;
      const contentType = object.httpMetadata?.contentType;
      return { bytes: new Uint8Array(await object.arrayBuffer()), ...(contentType ? { contentType } : {}) };
    },
  };
}

export function s3Reader(
  options: Extract<BucketOptions, { provider: "s3" }>,
  creds: BucketCredentials | undefined,
  guard: Omit<GuardOptions, "accept" | "validators" | "headers">,
  pageSize = PAGE_SIZE,
): BucketReader {
  const client = creds ? new AwsClient({ ...creds, service: "s3", region: options.region }) : undefined;
  const base = `${options.endpoint.replace(/\/+$/, "")}/${encodeURIComponent(options.bucket)}`;
  const signedGet = async (url: string, accept: GuardOptions["accept"]) => {
    const headers = client ? Object.fromEntries((await client.sign(url, { method: "GET" })).headers) : {};
    return guardedFetch(url, { ...guard, accept, headers, maxRedirects: 0 });
  };
  return {
    base,
    async list(cursor) {
      const query = new URLSearchParams({ "list-type": "2", prefix: options.prefix, "max-keys": String(pageSize) });
      if (cursor) query.set("continuation-token", cursor);
      const got = await signedGet(`${base}?${query}`, "listing");
      if (got.status !== 200) throw new AppError("upstream", `${base}: unexpected ${got.status} to a listing`);
      return parseListObjectsV2(new TextDecoder().decode(got.bytes));
    },
    async get(key) {
      const got = await signedGet(`${base}/${key.split("/").map(encodeURIComponent).join("/")}`, "any");
      if (got.status !== 200) return undefined;
      const generic = got.contentType === "" || got.contentType === "application/octet-stream";
      return { bytes: got.bytes, ...(generic ? {} : { contentType: got.contentType }) };
    },
  };
}

/** `<ListBucketResult>`: `<Contents><Key/><ETag/><Size/></Contents>`…, `<NextContinuationToken>` when truncated. */
export function parseListObjectsV2(xml: string): BucketPage {
  const objects: BucketObject[] = [];
  let current: Partial<BucketObject> | undefined;
  let text = "";
  let next: string | undefined;
  let truncated = false;
  let root: string | undefined;
  const parser = new Parser(
    {
      onopentag(name) {
        root ??= name;
        if (name === "contents") current = {};
        text = "";
      },
      ontext(t) {
        text += t;
      },
      onclosetag(name) {
        const value = text.trim();
        if (current && name === "key") current.key = value;
        else if (current && name === "etag") current.etag = value;
        else if (current && name === "size") current.size = Number(value);
        else if (name === "istruncated") truncated = value === "true";
        else if (name === "nextcontinuationtoken") next = value;
        else if (name === "contents" && current) {
          if (current.key !== undefined && current.etag !== undefined) {
            objects.push({ key: current.key, etag: current.etag, size: current.size ?? 0 });
          }
          current = undefined;
        }
        text = "";
      },
    },
    { xmlMode: true, decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(xml);
  parser.end();
  if (root !== "listbucketresult") throw new AppError("upstream", "the bucket's answer is not a ListObjectsV2 result");
  return { objects, ...(truncated && next ? { next } : {}) };
}

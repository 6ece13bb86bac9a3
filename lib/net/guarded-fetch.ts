/**
 * @module
 * The only way sources and web-page imports touch the network. A source URL is user input that the
 * service fetches on its own schedule, so every request is checked before it
 * is made: http/https only, no credentials in the URL, no private, loopback,
 * link-local or CGNAT target (by literal, by name and by what the name resolves
 * to), redirects followed by hand with every hop checked again, a time limit
 * for the whole exchange, a content-type allow-list checked before the body
 * is read, and a size limit enforced while the body streams in.
 *
 * @example
 * const got = await guardedFetch("https://example.com/docs", {
 *   accept: "document", maxBytes: 10 << 20, timeoutMs: 15_000, allowPrivate: false,
 *   validators: { etag: '"abc"' },
 * });
 * if (got.status === 304) return; // unchanged
 */
import { isWorkersRuntime } from "../config/platform.js";
import { blockedRange, isIpLiteral, isLocalHostname } from "./address.js";
import { FetchFailed, FetchRefused } from "./errors.js";

export const MAX_REDIRECTS = 5;

/** What a page may be: the types the extractors read. */
const DOCUMENT_TYPES = new Set([
  "text/html",
  "application/xhtml+xml",
  "text/plain",
  "text/markdown",
  "text/x-markdown",
  "application/json",
  "text/csv",
  "application/csv",
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
]);

/** What a sitemap or feed may be. */
const LISTING_TYPES = new Set([
  "application/xml",
  "text/xml",
  "application/rss+xml",
  "application/atom+xml",
  "application/rdf+xml",
]);

export type Lookup = (host: string) => Promise<readonly string[] | undefined>;

export type GuardOptions = {
  /** `any`: no content-type allow-list (a bucket's objects, whose type is told by their name). */
  accept: "document" | "listing" | "any";
  maxBytes: number;
  timeoutMs: number;
  allowPrivate: boolean;
  /** Validators from the last run, sent as If-None-Match / If-Modified-Since. */
  validators?: { etag?: string | null; lastModified?: string | null };
  fetch?: typeof fetch;
  /** Resolves a host name to its addresses; `undefined` = cannot resolve here (Workers). */
  lookup?: Lookup;
  maxRedirects?: number;
  /** Extra request headers (a signed request's); callers that send credentials set `maxRedirects: 0`. */
  headers?: Record<string, string>;
};

export type Fetched =
  | { status: 304; url: string }
  | {
      status: 200;
      /** The URL after redirects. */
      url: string;
      bytes: Uint8Array;
      /** The media type without parameters, lower-cased. */
      contentType: string;
      etag: string | null;
      lastModified: string | null;
    };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Also the name robots.txt rules are matched against. */
export const USER_AGENT = "serverless-memory-sources/0.1";

export async function guardedFetch(url: string, opts: GuardOptions): Promise<Fetched> {
  const doFetch = opts.fetch ?? fetch;
  const maxRedirects = opts.maxRedirects ?? MAX_REDIRECTS;
  // One signal for every hop and the body: the limit is on the whole exchange.
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const allowed = opts.accept === "document" ? DOCUMENT_TYPES : opts.accept === "listing" ? LISTING_TYPES : undefined;
  const headers: Record<string, string> = {
    accept: allowed ? [...allowed].join(", ") : "*/*",
    "user-agent": USER_AGENT,
    ...opts.headers,
  };
  if (opts.validators?.etag) headers["if-none-match"] = opts.validators.etag;
  if (opts.validators?.lastModified) headers["if-modified-since"] = opts.validators.lastModified;

  let current = url;
  for (let hop = 0; ; hop++) {
    const target = await checkTarget(current, opts);
    let res: Response;
    try {
      res = await doFetch(target.href, { method: "GET", headers, redirect: "manual", signal });
    } catch (error) {
      throw failure(current, error, signal, opts.timeoutMs);
    }
    if (REDIRECTS.has(res.status)) {
      await discard(res);
      const location = res.headers.get("location");
      if (!location) throw new FetchFailed(current, `HTTP ${res.status} without a Location header`, res.status);
      if (hop >= maxRedirects) throw new FetchRefused(url, `more than ${maxRedirects} redirects`);
      current = new URL(location, target).href;
      continue;
    }
    if (res.status === 304) {
      await discard(res);
      return { status: 304, url: current };
    }
    if (!res.ok) {
      await discard(res);
      throw new FetchFailed(current, `HTTP ${res.status}`, res.status);
    }
    const contentType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (allowed && !allowed.has(contentType)) {
      await discard(res);
      throw new FetchRefused(current, refusedType(contentType, opts.accept));
    }
    const declared = Number(res.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      await discard(res);
      throw new FetchRefused(current, `the body is ${declared} bytes, over the limit of ${opts.maxBytes}`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(res, opts.maxBytes, current);
    } catch (error) {
      if (error instanceof FetchRefused) throw error;
      throw failure(current, error, signal, opts.timeoutMs);
    }
    return {
      status: 200,
      url: current,
      bytes,
      contentType,
      etag: res.headers.get("etag"),
      lastModified: res.headers.get("last-modified"),
    };
  }
}

/**
 * The checks that need no network: scheme, credentials, and literal or
 * well-known local targets. `POST /sources` runs them to answer 400 at once;
 * every fetch hop runs them again, then the DNS check.
 */
export function checkUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchRefused(clip(raw), "not a valid absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FetchRefused(clip(raw), `only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new FetchRefused(redacted(url), "credentials in the URL are not allowed");
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isLocalHostname(host)) throw new FetchRefused(url.href, "the host is this machine (localhost)");
  if (isIpLiteral(host)) {
    const range = blockedRange(host);
    if (range) throw new FetchRefused(url.href, `the address is ${range}`);
  }
  return url;
}

async function checkTarget(raw: string, opts: GuardOptions): Promise<URL> {
  const url = checkUrl(raw, opts.allowPrivate);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (opts.allowPrivate || isIpLiteral(host)) return url;
  let addresses: readonly string[] | undefined;
  try {
    addresses = await (opts.lookup ?? systemLookup)(host);
  } catch (error) {
    throw new FetchFailed(url.href, `could not resolve ${host}`, undefined, { cause: error });
  }
  for (const address of addresses ?? []) {
    const range = blockedRange(address);
    if (range) throw new FetchRefused(url.href, `${host} resolves to ${address}, ${range}`);
  }
  // Known limit: fetch resolves the name again, so a DNS answer that changes in between
  // (rebinding) is not caught here; pinning the address would break TLS name checks.
  return url;
}

/**
 * Node: every address the system resolver returns must be public. Workers:
 * there is no resolver API, and Cloudflare's fetch cannot reach private or
 * loopback addresses anyway (it runs on Cloudflare's network, not ours), so
 * the literal checks above are all that is needed there. The import is dynamic
 * so the Workers bundle never depends on `node:dns`.
 */
const systemLookup: Lookup = async (host) => {
  if (isWorkersRuntime()) return undefined;
  const dns = await import("node:dns/promises");
  const found = await dns.lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
};

/** Reads the body, giving up (and closing the connection) as soon as it passes `max` bytes. */
async function readLimited(res: Response, max: number, url: string): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new FetchRefused(url, `the body is over the limit of ${max} bytes`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Unread bodies hold the connection open; cancel them. */
async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}

function failure(url: string, error: unknown, signal: AbortSignal, timeoutMs: number): FetchFailed {
  if (signal.aborted) return new FetchFailed(url, `timed out after ${timeoutMs} ms`, undefined, { cause: error });
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new FetchFailed(url, `network error (${reason})`, undefined, { cause: error });
}

function refusedType(contentType: string, accept: GuardOptions["accept"]): string {
  if (!contentType) return "the response has no content type";
  const base = `content type '${contentType.slice(0, 80)}' is not allowed here`;
  // The common mistake: a sitemap or feed source pointed at a web page.
  if (accept === "listing" && (contentType === "text/html" || contentType === "application/xhtml+xml")) {
    return `${base}: it is a web page, not a sitemap or feed (kind "crawl" follows a page's links, kind "page" ingests it alone)`;
  }
  return base;
}

function redacted(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

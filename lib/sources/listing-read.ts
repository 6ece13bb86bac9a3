/**
 * @module
 * Fetching and reading a listing source's URL list: a sitemap (one
 * `<sitemapindex>` level deep) or a feed.
 */
import { type GuardOptions, guardedFetch } from "../net/index.js";
import { ListingInvalid } from "./errors.js";
import type { InlineContent } from "./item.js";
import { parseFeed, parseSitemap } from "./listing.js";

/** Child sitemaps read from one sitemap index (one level deep, never more). */
const MAX_CHILD_SITEMAPS = 50;

export /** A sitemap's page URLs; a sitemap index is read one level deep, and any child failing fails the run. */
async function readSitemap(
  got: { bytes: Uint8Array; url: string },
  guard: Omit<GuardOptions, "accept" | "validators">,
): Promise<Map<string, undefined>> {
  const root = parseSitemap(new TextDecoder().decode(got.bytes), got.url);
  if (root.kind === "unknown") throw new ListingInvalid(got.url, "is not a sitemap (no <urlset> or <sitemapindex>)");
  if (root.kind === "urlset") return new Map(root.locs.map((u) => [u, undefined]));
  const urls = new Map<string, undefined>();
  for (const child of root.locs.slice(0, MAX_CHILD_SITEMAPS)) {
    const sub = await guardedFetch(child, { ...guard, accept: "listing" });
    if (sub.status !== 200) continue;
    const parsed = parseSitemap(new TextDecoder().decode(sub.bytes), sub.url);
    // One level only: a nested index is ignored rather than followed.
    if (parsed.kind === "urlset") for (const u of parsed.locs) urls.set(u, undefined);
  }
  return urls;
}

export function readFeed(xml: string, url: string): Map<string, InlineContent | undefined> {
  const { entries, isFeed } = parseFeed(xml, url);
  if (!isFeed) throw new ListingInvalid(url, "is not an RSS or Atom feed");
  return new Map(entries.map((e) => [e.url, e.content]));
}

/**
 * @module
 * What a crawl reads from an HTML page besides its text: the links to follow
 * (`<a href>`, resolved against `<base href>` or the page's URL, fragments
 * dropped, http(s) only), the page's `<link rel="canonical">`, and the
 * robots meta tag (`noindex`: not ingested; `nofollow`: links not followed).
 *
 * @example
 * readPage('<a href="/b#x">b</a>', "https://x.test/a") // { links: ["https://x.test/b"], canonical: undefined, … }
 */
import { Parser } from "htmlparser2";

export type PageFacts = { links: string[]; canonical?: string; noindex: boolean; nofollow: boolean };

/** Links kept per page: a page listing more is read up to here. */
const MAX_LINKS = 1000;

export function readPage(html: string, pageUrl: string): PageFacts {
  let base = pageUrl;
  const hrefs: string[] = [];
  let canonical: string | undefined;
  let noindex = false;
  let nofollow = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === "base" && attrs.href) base = absolute(attrs.href, pageUrl) ?? base;
        else if (name === "a" && attrs.href !== undefined && hrefs.length < MAX_LINKS) {
          if (!/\bnofollow\b/i.test(attrs.rel ?? "")) hrefs.push(attrs.href);
        } else if (name === "link" && /(^|\s)canonical(\s|$)/i.test(attrs.rel ?? "") && attrs.href) {
          canonical ??= attrs.href;
        } else if (name === "meta" && (attrs.name ?? "").toLowerCase() === "robots") {
          const content = (attrs.content ?? "").toLowerCase();
          noindex ||= /\b(noindex|none)\b/.test(content);
          nofollow ||= /\b(nofollow|none)\b/.test(content);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const links = [...new Set(hrefs.map((h) => absolute(h, base)).filter((u): u is string => u !== undefined))];
  const canon = canonical === undefined ? undefined : absolute(canonical, base);
  return { links, ...(canon ? { canonical: canon } : {}), noindex, nofollow };
}

/** The absolute http(s) URL without its fragment, or `undefined`. */
export function absolute(raw: string, base: string): string | undefined {
  try {
    const url = new URL(raw.trim(), base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}

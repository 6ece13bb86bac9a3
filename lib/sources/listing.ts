/**
 * @module
 * Reads the URL lists sources follow: sitemaps (`<urlset><url><loc>` and one
 * `<sitemapindex>` level) and feeds (RSS 2.0 / RDF `<item>`, Atom `<entry>`).
 * htmlparser2's streaming parser in XML mode runs unchanged on Workers and
 * Node, and is forgiving of the slightly broken XML feeds are known for.
 * Namespace prefixes are ignored (`<sm:loc>` is `<loc>`), relative links are
 * resolved against the listing's URL, and only http(s) links are kept.
 *
 * @example
 * parseSitemap('<urlset><url><loc>/a</loc></url></urlset>', "https://x.test/sitemap.xml")
 * // { kind: "urlset", locs: ["https://x.test/a"] }
 */
import { Parser } from "htmlparser2";
import { checkLimit, DEFAULT_LIMITS, type ExtractLimits } from "../extract/limits.js";

export type SitemapListing = { kind: "urlset" | "sitemapindex" | "unknown"; locs: string[] };

/** One feed entry. `content` is the full text the feed carries, when it carries one. */
export type FeedEntry = { url: string; content?: { body: string; type: "html" | "text" } };

export function parseSitemap(xml: string, base: string, limits: ExtractLimits = DEFAULT_LIMITS): SitemapListing {
  let kind: SitemapListing["kind"] = "unknown";
  const locs: string[] = [];
  walk(xml, limits, {
    open(name, _attrs, stack) {
      if (stack.length === 1)
        kind = name === "urlset" ? "urlset" : name === "sitemapindex" ? "sitemapindex" : "unknown";
      return name === "loc" && (stack.at(-2) === "url" || stack.at(-2) === "sitemap") ? "text" : undefined;
    },
    captured(name, text) {
      if (name === "loc") pushUrl(locs, text, base);
    },
  });
  return { kind, locs: [...new Set(locs)] };
}

export function parseFeed(
  xml: string,
  base: string,
  limits: ExtractLimits = DEFAULT_LIMITS,
): { entries: FeedEntry[]; isFeed: boolean } {
  const entries: FeedEntry[] = [];
  let isFeed = false;
  let entry: { link?: string; guid?: string; id?: string; content?: FeedEntry["content"] } | undefined;
  let contentType: "html" | "text" = "html";
  walk(xml, limits, {
    open(name, attrs, stack) {
      if (stack.length === 1) isFeed = name === "rss" || name === "feed" || name === "rdf";
      if (name === "item" || name === "entry") {
        entry = {};
        return undefined;
      }
      if (!entry || (stack.at(-2) !== "item" && stack.at(-2) !== "entry")) return undefined;
      if (name === "link") {
        const rel = (attrs.rel ?? "alternate").toLowerCase();
        // Atom: <link href rel="alternate"/>; RSS: <link>url</link>.
        if (attrs.href !== undefined) {
          if (rel === "alternate" && entry.link === undefined) entry.link = attrs.href;
          return undefined;
        }
        return "text";
      }
      if (name === "guid" || name === "id") return "text";
      if (name === "encoded") {
        contentType = "html";
        return "text";
      }
      if (name === "content" && attrs.src === undefined) {
        const type = (attrs.type ?? "text").toLowerCase();
        contentType = type === "html" || type === "xhtml" || type.includes("html") ? "html" : "text";
        // Atom xhtml content is inline markup, not text: keep it as markup.
        return type === "xhtml" ? "markup" : "text";
      }
      return undefined;
    },
    captured(name, text) {
      if (!entry) return;
      if (name === "link" && entry.link === undefined) entry.link = text.trim();
      else if (name === "guid") entry.guid = text.trim();
      else if (name === "id") entry.id = text.trim();
      else if ((name === "encoded" || name === "content") && text.trim() !== "") {
        // content:encoded (full HTML) wins over Atom content when a feed has both.
        if (name === "encoded" || !entry.content) entry.content = { body: text, type: contentType };
      }
    },
    close(name) {
      if ((name === "item" || name === "entry") && entry) {
        const url = [entry.link, entry.guid, entry.id].map((u) => u && absoluteHttp(u, base)).find(Boolean);
        if (url && !entries.some((e) => e.url === url))
          entries.push({ url, ...(entry.content ? { content: entry.content } : {}) });
        entry = undefined;
      }
    },
  });
  return { entries, isFeed };
}

type Walker = {
  /** Return "text" to capture the element's text, "markup" to capture its inner XML. */
  open(name: string, attrs: Record<string, string>, stack: readonly string[]): "text" | "markup" | undefined;
  captured(name: string, text: string): void;
  close?(name: string): void;
};

/**
 * @throws LimitExceeded past `maxDepth` nested elements: htmlparser2 shifts its open-element stack at the front,
 * so unbounded nesting is quadratic (200k nested elements took 24 s).
 */
function walk(xml: string, limits: ExtractLimits, walker: Walker): void {
  const stack: string[] = [];
  let capture: { depth: number; name: string; mode: "text" | "markup"; buf: string } | undefined;
  const parser = new Parser(
    {
      onopentag(raw, attribs) {
        const name = localName(raw);
        stack.push(name);
        checkLimit(limits, "maxDepth", stack.length, `the listing nests elements more than ${limits.maxDepth} deep`);
        if (capture) {
          if (capture.mode === "markup") capture.buf += `<${raw}${attributes(attribs)}>`;
          return;
        }
        const attrs = Object.fromEntries(Object.entries(attribs).map(([k, v]) => [localName(k), v]));
        const mode = walker.open(name, attrs, stack);
        if (mode) capture = { depth: stack.length, name, mode, buf: "" };
      },
      ontext(text) {
        if (capture) capture.buf += capture.mode === "markup" ? escapeXml(text) : text;
      },
      onclosetag(raw) {
        if (capture && stack.length === capture.depth) {
          walker.captured(capture.name, capture.buf);
          capture = undefined;
        } else if (capture?.mode === "markup") {
          capture.buf += `</${raw}>`;
        }
        const name = stack.pop();
        if (name !== undefined && !capture) walker.close?.(name);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
}

function localName(name: string): string {
  return (name.split(":").pop() ?? name).toLowerCase();
}

function attributes(attribs: Record<string, string>): string {
  return Object.entries(attribs)
    .map(([k, v]) => ` ${k}="${escapeXml(v).replace(/"/g, "&quot;")}"`)
    .join("");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function pushUrl(list: string[], raw: string, base: string): void {
  const url = absoluteHttp(raw.trim(), base);
  if (url) list.push(url);
}

function absoluteHttp(raw: string, base: string): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

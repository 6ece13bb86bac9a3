/**
 * @module
 * A real HTTP server on 127.0.0.1:0 standing in for a website that sources
 * follow: pages, sitemaps and feeds whose contents tests change between runs.
 * It answers conditional requests the way real servers do (304 for a matching
 * `If-None-Match`, or `If-Modified-Since` when no ETag was sent), counts every
 * request per path, and has the misbehaviours the fetch guard must survive:
 * redirect chains, redirects to anywhere, wrong content types, and a body that
 * never ends (bounded, so a broken guard cannot fill the machine).
 *
 * @example
 * const site = await startFakeSite();
 * site.put("/page", { body: "<html>…</html>", type: "text/html" });
 * await fetch(`${site.url}/page`); site.hits("/page"); // 1
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Resource = {
  body: string | Uint8Array;
  type: string;
  /** Defaults to a hash of the body; `null` sends no ETag (Last-Modified only). */
  etag?: string | null;
  /** Send no Last-Modified header. */
  noLastModified?: boolean;
  status?: number;
  headers?: Record<string, string>;
  delayMs?: number;
};

type Stored = Resource & { etagValue: string | null; lastModified: Date };

export type FakeSite = {
  url: string;
  /** Adds or replaces a resource; a changed body gets a new ETag and Last-Modified. */
  put(path: string, resource: Resource): void;
  remove(path: string): void;
  /** Requests per path (query included), since start or the last `resetCounts`. */
  hits(path: string): number;
  totalHits(): number;
  /** Requests as received, for header checks. */
  requests: Array<{ path: string; headers: IncomingMessage["headers"] }>;
  /** Bytes `/endless` wrote before the client hung up. */
  endlessBytesSent(): number;
  resetCounts(): void;
  close(): Promise<void>;
};

/** `/endless` stops here even if nobody hangs up. */
const ENDLESS_CAP = 64 * 1024 * 1024;

export async function startFakeSite(): Promise<FakeSite> {
  const resources = new Map<string, Stored>();
  const requests: FakeSite["requests"] = [];
  let endlessSent = 0;
  // Last-Modified has one-second resolution; each change must move it forward.
  let clock = Date.UTC(2026, 0, 1);

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? "/";
    requests.push({ path, headers: req.headers });
    const url = new URL(path, "http://fake");

    // /loop/N redirects to /loop/N+1 forever.
    const loop = /^\/loop\/(\d+)$/.exec(url.pathname);
    if (loop) return redirect(res, `/loop/${Number(loop[1]) + 1}`);
    // /to?location=… redirects anywhere (relative or absolute).
    if (url.pathname === "/to") return redirect(res, url.searchParams.get("location") ?? "/");
    if (url.pathname === "/endless") return endless(res, url.searchParams.get("type") ?? "text/plain");

    const found = resources.get(url.pathname);
    if (!found) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    if (found.delayMs) await new Promise((r) => setTimeout(r, found.delayMs));
    const headers: Record<string, string> = { "content-type": found.type, ...found.headers };
    if (found.etagValue) headers.etag = found.etagValue;
    if (!found.noLastModified) headers["last-modified"] = found.lastModified.toUTCString();
    if (isNotModified(req, found)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const body = typeof found.body === "string" ? Buffer.from(found.body) : Buffer.from(found.body);
    res.writeHead(found.status ?? 200, { ...headers, "content-length": String(body.length) });
    res.end(body);
  }

  function isNotModified(req: IncomingMessage, found: Stored): boolean {
    const inm = req.headers["if-none-match"];
    // RFC 9110: If-None-Match, when present, decides alone.
    if (inm !== undefined) return found.etagValue !== null && inm.split(/\s*,\s*/).includes(found.etagValue);
    const ims = req.headers["if-modified-since"];
    if (ims === undefined || found.noLastModified) return false;
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(found.lastModified.getTime() / 1000) <= Math.floor(since / 1000);
  }

  function redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, { location, "content-type": "text/plain" });
    res.end("moved");
  }

  function endless(res: ServerResponse, type: string): void {
    res.writeHead(200, { "content-type": type });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let stopped = false;
    res.on("close", () => {
      stopped = true;
    });
    const pump = () => {
      while (!stopped && endlessSent < ENDLESS_CAP) {
        endlessSent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!stopped) res.end();
    };
    pump();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const count = (path: string) => requests.filter((r) => r.path === path).length;

  return {
    url: `http://127.0.0.1:${port}`,
    put(path, resource) {
      const previous = resources.get(path);
      const bytes = typeof resource.body === "string" ? Buffer.from(resource.body) : Buffer.from(resource.body);
      const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
      const same =
        previous && createHash("sha256").update(Buffer.from(previous.body)).digest("hex").slice(0, 16) === hash;
      if (!same) clock += 60_000;
      resources.set(path, {
        ...resource,
        etagValue: resource.etag === null ? null : (resource.etag ?? `"${hash}"`),
        lastModified: same ? previous.lastModified : new Date(clock),
      });
    },
    remove(path) {
      resources.delete(path);
    },
    hits: count,
    totalHits: () => requests.length,
    requests,
    endlessBytesSent: () => endlessSent,
    resetCounts() {
      requests.length = 0;
      endlessSent = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

// ---- content builders ------------------------------------------------------------------------

export function htmlPage(title: string, paragraphs: string[]): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${paragraphs
    .map((p) => `<p>${p}</p>`)
    .join("\n")}</body></html>`;
}

export function sitemap(urls: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => `  <url><loc>${escapeXml(u)}</loc><lastmod>2026-01-01</lastmod></url>`).join("\n")}
</urlset>`;
}

export function sitemapIndex(urls: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => `  <sitemap><loc>${escapeXml(u)}</loc></sitemap>`).join("\n")}
</sitemapindex>`;
}

/** RSS 2.0; an item with `html` carries it as `content:encoded` (CDATA). */
export function rss(items: Array<{ link: string; title: string; html?: string }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Fake feed</title><link>http://fake/</link><description>test</description>
<atom:link href="http://fake/rss.xml" rel="self" type="application/rss+xml"/>
${items
  .map(
    (i) =>
      `<item><title>${escapeXml(i.title)}</title><link>${escapeXml(i.link)}</link><guid>${escapeXml(i.link)}</guid>${
        i.html ? `<content:encoded><![CDATA[${i.html}]]></content:encoded>` : ""
      }<description>Summary of ${escapeXml(i.title)}</description></item>`,
  )
  .join("\n")}
</channel></rss>`;
}

/** Atom 1.0; an entry with `html` carries it as `<content type="html">` (escaped). */
export function atom(entries: Array<{ link: string; title: string; html?: string }>): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Fake Atom</title><id>urn:fake:atom</id>
<updated>2026-01-01T00:00:00Z</updated>
${entries
  .map(
    (e, n) => `<entry><title>${escapeXml(e.title)}</title><id>urn:fake:${n}</id>
<link rel="alternate" href="${escapeXml(e.link)}"/><link rel="edit" href="${escapeXml(e.link)}/edit"/>
<updated>2026-01-01T00:00:00Z</updated>${e.html ? `<content type="html">${escapeXml(e.html)}</content>` : ""}</entry>`,
  )
  .join("\n")}
</feed>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * @module
 * A small website for crawl tests, on the fake site: robots.txt disallows
 * `/private/`, `/dup` names `/a` as canonical, `/a` and `/b` link in a cycle,
 * `/c` is three links from the root, and the root links to another host.
 * Crawled from `/` with depth 2, the pages to ingest are `/`, `/a`, `/b`, `/c`.
 */
import { type FakeSite, htmlPage, startFakeSite } from "./fake-site.js";

export const CRAWLED_PATHS = ["/", "/a", "/b", "/c"];

export function linkedPage(title: string, links: string[], head = ""): string {
  const text = `${title} is a page of the crawl test site. ${title} pages describe ${title.toLowerCase()} in detail.`;
  return htmlPage(title, [text])
    .replace("</head>", `${head}</head>`)
    .replace("</body>", `${links.map((l) => `<a href="${l}">${l}</a>`).join(" ")}</body>`);
}

export async function startCrawlSite(offHost = "http://other.invalid"): Promise<FakeSite> {
  const site = await startFakeSite();
  const html = "text/html";
  site.put("/robots.txt", { body: "User-agent: *\nDisallow: /private/\n", type: "text/plain" });
  site.put("/", { body: linkedPage("Home", ["/a", "/b", "/private/secret", "/dup", `${offHost}/x`]), type: html });
  site.put("/a", { body: linkedPage("Alpha", ["/", "/b", "/a#top"]), type: html });
  site.put("/b", { body: linkedPage("Bravo", ["/a", "/c"]), type: html });
  site.put("/c", { body: linkedPage("Charlie", ["/b", "/d"]), type: html });
  site.put("/d", { body: linkedPage("Delta", []), type: html });
  site.put("/dup", { body: linkedPage("Alpha copy", ["/"], '<link rel="canonical" href="/a">'), type: html });
  site.put("/private/secret", { body: linkedPage("Secret", []), type: html });
  return site;
}

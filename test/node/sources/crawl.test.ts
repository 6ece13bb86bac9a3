/**
 * A crawl source against a real multi-page site on 127.0.0.1: robots.txt
 * disallows a path, one page names another as canonical, pages link in a
 * cycle, and one link leaves the host (a second server on another port). The
 * crawl ingests exactly the reachable, allowed, canonical pages, once each;
 * a re-crawl of an unchanged site costs conditional requests and no
 * embedding; a changed page is re-ingested alone; a page gone is deleted;
 * depth, page and time limits hold. Also: a sitemap source pointed at an HTML
 * page fails with an error that says what to do.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { MemoryContext } from "../../../lib/memory/types.js";
import { getSource, type Source, syncSource } from "../../../lib/sources/index.js";
import { linkedPage, startCrawlSite } from "../../helpers/crawl-site.js";
import { type FakeSite, startFakeSite } from "../../helpers/fake-site.js";
import type { CountingEmbedder } from "../../helpers/memory.js";
import { sourceQueries, useSourcesStack } from "../../helpers/sources-stack.js";

const fx = useSourcesStack();
const { addSource, jobCount, documentIds, sourceDocId } = sourceQueries(fx);
let site: FakeSite;
let other: FakeSite;
let ctx: MemoryContext;
let embedder: CountingEmbedder;
let settle: () => Promise<void>;

const page = linkedPage;

beforeAll(async () => {
  ({ ctx, embedder, settle } = fx);
  other = await startFakeSite();
  site = await startCrawlSite(other.url);
  return async () => {
    await other.close();
    await site.close();
  };
});

describe("crawl", () => {
  let source: Source;
  const url = (p: string) => `${site.url}${p}`;

  it("ingests the reachable, allowed, canonical pages of one host, each fetched once", async () => {
    site.resetCounts();
    source = await addSource({ url: url("/"), kind: "crawl", index: "crawl", crawl: { maxDepth: 2 } } as never);
    expect(source).toMatchObject({
      kind: "crawl",
      lastStatus: "updated",
      lastError: null,
      crawl: { maxDepth: 2, maxPages: 100 },
    });
    const docs = await Promise.all(["/", "/a", "/b", "/c"].map((p) => sourceDocId("crawl", url(p))));
    expect(docs.every(Boolean)).toBe(true);
    expect(await documentIds("crawl")).toEqual([...docs].sort());
    // /d is 3 links away (depth limit 2); /dup names /a as canonical; /private/ is disallowed; other host untouched.
    expect(site.hits("/d")).toBe(0);
    expect(site.hits("/private/secret")).toBe(0);
    expect(other.totalHits()).toBe(0);
    for (const p of ["/", "/a", "/b", "/c", "/dup"]) expect(site.hits(p)).toBe(1);
  });

  it("a re-crawl of the unchanged site costs conditional requests: no embedding, no job", async () => {
    const jobs = await jobCount();
    site.resetCounts();
    const run = await syncSource(ctx, source.id);
    await settle();
    expect(run).toMatchObject({ status: "unchanged", updated: 0, removed: 0, failed: 0, partial: false });
    expect(embedder.calls).toBe(0);
    expect(await jobCount()).toBe(jobs);
    const conditional = site.requests.filter((r) => r.path === "/a")[0]!;
    expect(conditional.headers["if-none-match"]).toBeTruthy();
  });

  it("a changed page is re-ingested alone; a page gone has its document deleted", async () => {
    const cDoc = (await sourceDocId("crawl", url("/c")))!;
    site.put("/b", { body: page("Bravo two", ["/a"]), type: "text/html" });
    const run = await syncSource(ctx, source.id);
    await settle();
    // /b changed and no longer links to /c: /c leaves the crawl.
    expect(run).toMatchObject({ updated: 1, removed: 1, failed: 0 });
    expect(await documentIds("crawl")).not.toContain(cDoc);
    site.put("/b", { body: page("Bravo three", ["/a", "/gone"]), type: "text/html" });
    await syncSource(ctx, source.id);
    await settle();
    expect(await sourceDocId("crawl", url("/gone"))).toBeDefined();
    expect((await getSource(ctx, source.id)).lastError).toBeNull();
  });

  it("page limit: a crawl stops at maxPages, shallowest pages first", async () => {
    const small = await addSource({
      url: url("/"),
      kind: "crawl",
      index: "crawl-small",
      crawl: { maxPages: 2 },
    } as never);
    expect(small.itemCount).toBe(2);
    expect((await documentIds("crawl-small")).length).toBe(2);
  });

  it("time budget: a run out of time stops, is due at once, and the next runs finish the round", async () => {
    const slow = await addSource({ url: url("/"), kind: "crawl", index: "crawl-slow", intervalSeconds: 600 } as never);
    const before = (await documentIds("crawl-slow")).length;
    site.put("/a", { body: page("Alpha changed", ["/", "/b"]), type: "text/html" });
    const cut = await syncSource(ctx, slow.id, { budgetMs: 0 });
    expect(cut).toMatchObject({ partial: true });
    expect(Date.parse((await getSource(ctx, slow.id)).nextDueAt)).toBeLessThanOrEqual(Date.now());
    let rounds = 0;
    for (let run = cut; typeof run !== "string" && run.partial && rounds < 50; rounds++)
      run = await syncSource(ctx, slow.id);
    await settle();
    expect(rounds).toBeLessThan(50);
    expect((await documentIds("crawl-slow")).length).toBe(before);
  });
});

describe("sitemap pointed at a web page", () => {
  it("fails with an error that names the fix (crawl or page)", async () => {
    const wrong = await addSource({ url: url("/"), kind: "sitemap", index: "wrong-kind" });
    expect(wrong.lastStatus).toBe("failed");
    expect(wrong.lastError).toMatch(/web page, not a sitemap or feed \(kind "crawl"/);
  });
  const url = (p: string) => `${site.url}${p}`;
});

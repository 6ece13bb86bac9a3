/**
 * Sources against the real PostgreSQL and a real local website: a page, a
 * sitemap, an RSS and an Atom feed are ingested through the upload pipeline,
 * stay in sync run after run at the cost of conditional requests (no
 * embedding, no job when nothing changed), re-embed only what changed, and
 * drop documents whose URLs left the listing. Overlapping runs sync a source
 * once; a failing source backs off without blocking the others. All traffic
 * stays on 127.0.0.1 (SOURCE_ALLOW_PRIVATE=true for that reason only).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { searchMemory } from "../../../lib/memory/search.js";
import { getUploadStatus } from "../../../lib/memory/status.js";
import type { MemoryContext } from "../../../lib/memory/types.js";
import { getSource, type Source, syncSource } from "../../../lib/sources/index.js";
import { type FakeSite, htmlPage, sitemap, sitemapIndex } from "../../helpers/fake-site.js";
import type { CountingEmbedder } from "../../helpers/memory.js";
import { paragraph, sourceQueries, useSourcesStack } from "../../helpers/sources-stack.js";

const fx = useSourcesStack();
const { addSource, jobCount, chunkHashes, documentIds, sourceDocId } = sourceQueries(fx);
let site: FakeSite;
let ctx: MemoryContext;
let embedder: CountingEmbedder;
let settle: () => Promise<void>;

beforeAll(() => {
  ({ site, ctx, embedder, settle } = fx);
});

describe("page", () => {
  const url = () => `${site.url}/docs/zanzibar`;
  const paragraphs = Array.from({ length: 8 }, (_, n) => paragraph(n, "zanzibar"));
  let source: Source;

  it("the first sync ingests the page through the pipeline: searchable, cited by its URL, tagged with the source", async () => {
    site.put("/docs/zanzibar", { body: htmlPage("Zanzibar handbook", paragraphs), type: "text/html; charset=utf-8" });
    source = await addSource({ url: url(), kind: "page", index: "Site Docs", tags: { team: ["docs"] } });
    expect(source).toMatchObject({
      index: "site-docs",
      kind: "page",
      lastStatus: "updated",
      lastError: null,
      failures: 0,
      itemCount: 1,
      intervalSeconds: 3600,
    });
    expect(Date.parse(source.nextDueAt) - Date.parse(source.lastRunAt!)).toBeGreaterThanOrEqual(3599_000);
    const documentId = (await sourceDocId("site-docs", url()))!;
    expect(documentId).toMatch(/^src-[0-9a-f]{24}$/);
    const status = await getUploadStatus(ctx, "site-docs", documentId);
    expect(status).toMatchObject({ completed: true, tags: { team: ["docs"], source: [source.id] } });
    expect(embedder.texts).toBeGreaterThan(2);

    const found = await searchMemory(ctx, {
      index: "site-docs",
      query: "zanzibar3 fact 7",
      filters: [{ source: [source.id] }],
      minRelevance: 0,
      limit: 5,
    });
    expect(found.results[0]).toMatchObject({ documentId, sourceUrl: url(), sourceName: "zanzibar.html" });
  });

  it("a second sync with no change costs one conditional request: 304, no embedding, no job", async () => {
    const jobs = await jobCount();
    site.resetCounts();
    const run = await syncSource(ctx, source.id);
    await settle();
    expect(run).toMatchObject({ status: "not_modified", updated: 0 });
    expect(site.hits("/docs/zanzibar")).toBe(1);
    expect(site.requests[0]!.headers["if-none-match"]).toMatch(/^"[0-9a-f]+"$/);
    expect(embedder.calls).toBe(0);
    expect(await jobCount()).toBe(jobs);
    expect((await getSource(ctx, source.id)).lastStatus).toBe("not_modified");
  });

  it("a server without validators: the same bytes are recognised by their hash (unchanged, no job)", async () => {
    site.put("/plain.txt", { body: "Plain text about quokkas.", type: "text/plain", etag: null, noLastModified: true });
    const plain = await addSource({ url: `${site.url}/plain.txt`, kind: "page", index: "site-docs" });
    expect(plain.lastStatus).toBe("updated");
    const jobs = await jobCount();
    embedder.texts = 0;
    expect(await syncSource(ctx, plain.id)).toMatchObject({ status: "unchanged" });
    expect(embedder.texts).toBe(0);
    expect(await jobCount()).toBe(jobs);
  });

  it("Last-Modified alone drives a 304 through If-Modified-Since", async () => {
    site.put("/dated.md", { body: "# Dated\n\nMarkdown about pangolins.", type: "text/markdown", etag: null });
    const dated = await addSource({ url: `${site.url}/dated.md`, kind: "page", index: "site-docs" });
    site.resetCounts();
    expect(await syncSource(ctx, dated.id)).toMatchObject({ status: "not_modified" });
    expect(site.requests[0]!.headers["if-modified-since"]).toBeTruthy();
    expect(site.requests[0]!.headers["if-none-match"]).toBeUndefined();
  });

  it("a changed page is re-ingested and only its changed chunks are embedded", async () => {
    const documentId = (await sourceDocId("site-docs", url()))!;
    const before = await chunkHashes("site-docs", documentId);
    expect(before.size).toBeGreaterThanOrEqual(3);
    const jobs = await jobCount();
    const edited = [...paragraphs];
    edited[7] = paragraph(7, "zanzibar").replace("fact 40 holds", "fact 40 was revised in 2026");
    site.put("/docs/zanzibar", { body: htmlPage("Zanzibar handbook", edited), type: "text/html" });

    const run = await syncSource(ctx, source.id);
    await settle();
    expect(run).toMatchObject({ status: "updated", updated: 1 });
    expect(await jobCount()).toBe(jobs + 1);
    const after = await chunkHashes("site-docs", documentId);
    const fresh = [...after].filter((h) => !before.has(h));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.length).toBeLessThan(after.size);
    // Exactly the new chunk texts reached the embedder; the rest came from the content-hash cache.
    expect(embedder.texts).toBe(fresh.length);
    const found = await searchMemory(ctx, {
      index: "site-docs",
      query: "revised in 2026",
      filters: [],
      minRelevance: 0,
      limit: 3,
    });
    expect(found.results[0]!.partitions[0]!.text).toContain("revised in 2026");
  });
});

describe("sitemap", () => {
  it("every <loc> becomes a document; unchanged pages cost a 304 each; a page leaving the sitemap is deleted", async () => {
    for (const name of ["a", "b", "c"]) {
      site.put(`/map/${name}`, { body: htmlPage(`Page ${name}`, [paragraph(1, `okapi${name}`)]), type: "text/html" });
    }
    const locs = (names: string[]) => names.map((n) => `${site.url}/map/${n}`);
    site.put("/sitemap.xml", { body: sitemap(locs(["a", "b", "c"])), type: "application/xml" });
    const source = await addSource({ url: `${site.url}/sitemap.xml`, kind: "sitemap", index: "maps" });
    expect(source).toMatchObject({ lastStatus: "updated", itemCount: 3 });
    const all = await documentIds("maps");
    expect(all).toHaveLength(3);

    site.resetCounts();
    embedder.calls = 0;
    const quiet = await syncSource(ctx, source.id);
    await settle();
    expect(quiet).toMatchObject({ status: "not_modified", updated: 0, unchanged: 3, removed: 0 });
    expect(site.hits("/sitemap.xml")).toBe(1);
    for (const n of ["a", "b", "c"]) expect(site.hits(`/map/${n}`)).toBe(1);
    expect(embedder.calls).toBe(0);

    const gone = (await sourceDocId("maps", `${site.url}/map/c`))!;
    site.put("/sitemap.xml", { body: sitemap(locs(["a", "b"])), type: "application/xml" });
    const shrunk = await syncSource(ctx, source.id);
    expect(shrunk).toMatchObject({ status: "updated", removed: 1, updated: 0 });
    expect(await documentIds("maps")).toEqual(all.filter((d) => d !== gone));
    await expect(getUploadStatus(ctx, "maps", gone)).rejects.toThrow(/not found/);
    expect((await getSource(ctx, source.id)).itemCount).toBe(2);
  });

  it("a sitemap index is read one level deep", async () => {
    site.put("/idx/one", { body: htmlPage("One", ["Tapirs one."]), type: "text/html" });
    site.put("/idx/two", { body: htmlPage("Two", ["Tapirs two."]), type: "text/html" });
    site.put("/sm-1.xml", { body: sitemap([`${site.url}/idx/one`]), type: "text/xml" });
    site.put("/sm-2.xml", { body: sitemap([`${site.url}/idx/two`]), type: "text/xml" });
    site.put("/sitemap-index.xml", {
      body: sitemapIndex([`${site.url}/sm-1.xml`, `${site.url}/sm-2.xml`]),
      type: "application/xml",
    });
    const source = await addSource({ url: `${site.url}/sitemap-index.xml`, kind: "sitemap", index: "tapirs" });
    expect(source).toMatchObject({ lastStatus: "updated", itemCount: 2 });
    expect(await documentIds("tapirs")).toHaveLength(2);
  });
});

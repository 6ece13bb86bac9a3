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
import { runScheduled } from "../../../lib/jobs/scheduled.js";
import { searchMemory } from "../../../lib/memory/search.js";
import { getUploadStatus } from "../../../lib/memory/status.js";
import type { MemoryContext } from "../../../lib/memory/types.js";
import {
  deleteSource,
  getSource,
  type NewSource,
  type Source,
  syncDueSources,
  syncSource,
} from "../../../lib/sources/index.js";
import { insertSource } from "../../../lib/store/source-store.js";
import { atom, type FakeSite, htmlPage, rss, sitemap } from "../../helpers/fake-site.js";
import { testRuntime } from "../../helpers/runtime.js";
import { sourceQueries, useSourcesStack } from "../../helpers/sources-stack.js";

const fx = useSourcesStack();
const { addSource, jobCount, documentIds, sourceDocId } = sourceQueries(fx);
let site: FakeSite;
let ctx: MemoryContext;
let settle: () => Promise<void>;
let env: Record<string, string>;

beforeAll(() => {
  ({ site, ctx, settle, env } = fx);
});

describe("feeds", () => {
  it("RSS: full-content items are ingested from the feed, others fetched by link; a dropped item is deleted", async () => {
    site.put("/posts/2", { body: htmlPage("Post two", ["Wombats dig burrows."]), type: "text/html" });
    const items = [
      { link: `${site.url}/posts/1`, title: "One", html: "<p>Narwhal tusks are teeth.</p>" },
      { link: `${site.url}/posts/2`, title: "Two" },
    ];
    site.put("/rss.xml", { body: rss(items), type: "application/rss+xml" });
    const source = await addSource({ url: `${site.url}/rss.xml`, kind: "feed", index: "rss" });
    expect(source).toMatchObject({ lastStatus: "updated", itemCount: 2 });
    expect(site.hits("/posts/1")).toBe(0);
    expect(site.hits("/posts/2")).toBe(1);
    const narwhal = await searchMemory(ctx, { index: "rss", query: "narwhal", filters: [], minRelevance: 0, limit: 1 });
    expect(narwhal.results[0]).toMatchObject({ sourceUrl: `${site.url}/posts/1` });

    // The feed is unchanged: one conditional request, entries are not checked.
    site.resetCounts();
    expect(await syncSource(ctx, source.id)).toMatchObject({ status: "not_modified" });
    expect(site.totalHits()).toBe(1);

    const dropped = (await sourceDocId("rss", `${site.url}/posts/1`))!;
    site.put("/rss.xml", { body: rss(items.slice(1)), type: "application/rss+xml" });
    expect(await syncSource(ctx, source.id)).toMatchObject({ status: "updated", removed: 1 });
    await expect(getUploadStatus(ctx, "rss", dropped)).rejects.toThrow(/not found/);
    expect(await documentIds("rss")).toHaveLength(1);
  });

  it("Atom: entries cite their alternate link; an edited entry is the only one uploaded again", async () => {
    const entries = [
      { link: `${site.url}/atom/1`, title: "First", html: "<p>Axolotls regrow limbs.</p>" },
      { link: `${site.url}/atom/2`, title: "Second", html: "<p>Capybaras are rodents.</p>" },
    ];
    site.put("/atom.xml", { body: atom(entries), type: "application/atom+xml" });
    const source = await addSource({ url: `${site.url}/atom.xml`, kind: "feed", index: "atom" });
    expect(source).toMatchObject({ lastStatus: "updated", itemCount: 2 });
    const found = await searchMemory(ctx, { index: "atom", query: "axolotls", filters: [], minRelevance: 0, limit: 1 });
    expect(found.results[0]).toMatchObject({ sourceUrl: `${site.url}/atom/1` });

    const jobs = await jobCount();
    entries[1] = { ...entries[1]!, html: "<p>Capybaras are the largest rodents.</p>" };
    site.put("/atom.xml", { body: atom(entries), type: "application/atom+xml" });
    expect(await syncSource(ctx, source.id)).toMatchObject({ status: "updated", updated: 1, unchanged: 1 });
    await settle();
    expect(await jobCount()).toBe(jobs + 1);
  });
});

describe("runs", () => {
  const due = async (index: string, path: string, kind: NewSource["kind"] = "page", intervalSeconds = 3600) => {
    const id = `src_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
    // Inserted directly: no first sync in the background, so only the runs under test touch it.
    await insertSource(ctx.db, id, { index, kind, url: `${site.url}${path}`, tags: {}, intervalSeconds });
    return id;
  };

  it("overlapping syncDueSources calls sync a due source exactly once", async () => {
    site.put("/slow", { body: "Slow page about sloths.", type: "text/plain", delayMs: 300 });
    const id = await due("overlap", "/slow");
    site.resetCounts();
    const reports = await Promise.all(
      Array.from({ length: 4 }, (_, i) => syncDueSources(ctx, { budgetMs: 10_000, owner: `overlap-${i}` })),
    );
    await settle();
    const runs = reports.flatMap((r) => r.runs).filter((r) => r.sourceId === id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "updated" });
    expect(site.hits("/slow")).toBe(1);
    expect(reports.reduce((n, r) => n + r.claimed, 0)).toBe(1);
  });

  it("a failing source backs off (min(interval, 2^failures × 60 s)) and never blocks the others", async () => {
    site.put("/fine", { body: "A fine page about ibises.", type: "text/plain" });
    const broken = await due("backoff", "/missing");
    const fine = await due("backoff", "/fine");
    const first = await syncDueSources(ctx, { budgetMs: 10_000 });
    expect(first.runs.find((r) => r.sourceId === broken)).toMatchObject({ status: "failed" });
    expect(first.runs.find((r) => r.sourceId === fine)).toMatchObject({ status: "updated" });
    const failed = await getSource(ctx, broken);
    expect(failed).toMatchObject({ lastStatus: "failed", failures: 1 });
    expect(failed.lastError).toContain("HTTP 404");
    const delay = (s: Source) => (Date.parse(s.nextDueAt) - Date.parse(s.lastRunAt!)) / 1000;
    expect(delay(failed)).toBeCloseTo(120, 0);

    // Not due again yet: the next run leaves it alone.
    expect((await syncDueSources(ctx, { budgetMs: 10_000 })).runs.map((r) => r.sourceId)).not.toContain(broken);
    await ctx.db.query("update memory_sources set next_due_at = now() where id = $1", [broken]);
    await syncDueSources(ctx, { budgetMs: 10_000 });
    const twice = await getSource(ctx, broken);
    expect(twice.failures).toBe(2);
    expect(delay(twice)).toBeCloseTo(240, 0);

    // Never longer than the source's own interval; a good run resets the count.
    await ctx.db.query("update memory_sources set next_due_at = now(), interval_seconds = 60 where id = $1", [broken]);
    await syncDueSources(ctx, { budgetMs: 10_000 });
    expect(delay(await getSource(ctx, broken))).toBeCloseTo(60, 0);
    site.put("/missing", { body: "Now it exists.", type: "text/plain" });
    await syncSource(ctx, broken);
    expect(await getSource(ctx, broken)).toMatchObject({ lastStatus: "updated", failures: 0, lastError: null });
    await settle();
  });

  it("with SOURCE_ALLOW_PRIVATE off, a run refuses a loopback source without contacting it", async () => {
    site.put("/local", { body: "Local page.", type: "text/plain" });
    const id = await due("strict", "/local");
    site.resetCounts();
    const strict: MemoryContext = { ...ctx, config: { ...ctx.config, SOURCE_ALLOW_PRIVATE: false } };
    const run = await syncSource(strict, id);
    expect(run).toMatchObject({ status: "failed" });
    expect((await getSource(ctx, id)).lastError).toMatch(/refused to fetch .*loopback/);
    expect(site.totalHits()).toBe(0);
  });

  it("a run that reaches its budget stops between items, is due again at once, and resumes where it stopped", async () => {
    const names = ["p1", "p2", "p3", "p4"];
    for (const n of names) site.put(`/budget/${n}`, { body: `Budget page ${n}.`, type: "text/plain", delayMs: 400 });
    site.put("/budget.xml", { body: sitemap(names.map((n) => `${site.url}/budget/${n}`)), type: "application/xml" });
    const id = await due("budget", "/budget.xml", "sitemap");
    site.resetCounts();
    const first = await syncDueSources(ctx, { budgetMs: 500 });
    const run = first.runs.find((r) => r.sourceId === id)!;
    expect(run.partial).toBe(true);
    expect(run.updated).toBeGreaterThan(0);
    expect(run.updated).toBeLessThan(4);
    const after = await getSource(ctx, id);
    expect(Date.parse(after.nextDueAt)).toBeLessThanOrEqual(Date.now());
    site.resetCounts();
    const second = await syncDueSources(ctx, { budgetMs: 10_000 });
    const rest = second.runs.find((r) => r.sourceId === id)!;
    expect(rest).toMatchObject({ partial: false, updated: 4 - run.updated, unchanged: run.updated });
    // Least recently checked first: the pages the first run never reached, then the others (304s).
    const done = names.slice(0, run.updated);
    const order = site.requests.map((r) => r.path).filter((p) => p.startsWith("/budget/"));
    expect(order).toEqual([...names.slice(run.updated), ...done].map((n) => `/budget/${n}`));
    await settle();
    expect(await documentIds("budget")).toHaveLength(4);
  });

  it("a cron tick syncs due sources after the due jobs, within the same budget", async () => {
    site.put("/cron", { body: "Cron page about herons.", type: "text/plain" });
    const id = await due("cron", "/cron");
    const run = await runScheduled({
      runtime: testRuntime,
      env,
      cron: "* * * * *",
      budgetMs: 20_000,
      waitUntil: ctx.waitUntil,
    });
    await settle();
    expect(run.sources).toMatchObject({ claimed: 1, updated: 1, failed: 0 });
    expect(await getSource(ctx, id)).toMatchObject({ lastStatus: "updated", itemCount: 1 });
  });

  it("deleting a source deletes the documents it created, and only those", async () => {
    site.put("/owned/1", { body: "Owned page one about lemurs.", type: "text/plain" });
    site.put("/owned/2", { body: "Owned page two about lemurs.", type: "text/plain" });
    site.put("/owned.xml", {
      body: sitemap([`${site.url}/owned/1`, `${site.url}/owned/2`]),
      type: "application/xml",
    });
    const source = await addSource({ url: `${site.url}/owned.xml`, kind: "sitemap", index: "owned" });
    const { uploadDocument } = await import("../../../lib/ingest/upload.js");
    await uploadDocument(ctx, {
      index: "owned",
      documentId: "manual",
      files: [{ name: "note.txt", bytes: new TextEncoder().encode("Uploaded by hand.") }],
      tags: {},
      steps: [],
    });
    await settle();
    expect(await documentIds("owned")).toHaveLength(3);
    await deleteSource(ctx, source.id);
    expect(await documentIds("owned")).toEqual(["manual"]);
    await expect(getSource(ctx, source.id)).rejects.toThrow(/not found/);
    await expect(syncSource(ctx, source.id)).rejects.toThrow(/not found/);
  });
});

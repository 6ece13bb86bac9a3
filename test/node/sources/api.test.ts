/**
 * `/sources` through the real Node server: create (201, first sync in the
 * background), read, list, sync now (202), delete with its documents (204),
 * ProblemDetails for bad input (400), duplicates (409) and unknown ids (404);
 * and `GET /health` showing jobs and sources.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, expectProblem, startApiServer } from "../../helpers/api.js";
import { type FakeSite, htmlPage, sitemap, startFakeSite } from "../../helpers/fake-site.js";

let api: ApiServer;
let site: FakeSite;

type SourceBody = {
  id: string;
  index: string;
  kind: string;
  url: string;
  tags: Record<string, string[]>;
  intervalSeconds: number;
  lastRunAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
  nextDueAt: string;
  itemCount: number;
};

beforeAll(async () => {
  site = await startFakeSite();
  site.put("/guide", { body: htmlPage("Guide", ["Marmots whistle when alarmed."]), type: "text/html" });
  site.put("/m/1", { body: htmlPage("One", ["Puffins nest in burrows."]), type: "text/html" });
  site.put("/m/2", { body: htmlPage("Two", ["Puffins eat sand eels."]), type: "text/html" });
  site.put("/map.xml", { body: sitemap([`${site.url}/m/1`, `${site.url}/m/2`]), type: "application/xml" });
  api = await startApiServer({ SOURCE_ALLOW_PRIVATE: "true" });
});

afterAll(async () => {
  await api?.close();
  await site?.close();
});

async function create(body: unknown): Promise<SourceBody> {
  const res = await api.postJson("/sources", body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as SourceBody;
}

/** Polls `GET /sources/{id}` (≤ 100 × 100 ms) until `done` holds. */
async function until(id: string, done: (s: SourceBody) => boolean): Promise<SourceBody> {
  let last: SourceBody | undefined;
  for (let i = 0; i < 100; i++) {
    const res = await api.call(`/sources/${id}`);
    last = (await res.json()) as SourceBody;
    if (res.status === 200 && done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`source ${id} never reached the expected state: ${JSON.stringify(last)}`);
}

describe("happy path", () => {
  let page: SourceBody;

  it("POST /sources → 201 with the source; its first sync runs in the background", async () => {
    page = await create({
      url: `${site.url}/guide`,
      kind: "page",
      index: "Field Notes",
      tags: { topic: "animals" },
      intervalSeconds: 600,
    });
    expect(page).toMatchObject({
      index: "field-notes",
      kind: "page",
      url: `${site.url}/guide`,
      tags: { topic: ["animals"] },
      intervalSeconds: 600,
      lastStatus: null,
    });
    expect(page.id).toMatch(/^src_[0-9a-f]{20}$/);
    const synced = await until(page.id, (s) => s.lastStatus !== null);
    expect(synced).toMatchObject({ lastStatus: "updated", lastError: null, itemCount: 1 });
    expect(Date.parse(synced.nextDueAt)).toBeGreaterThan(Date.parse(synced.lastRunAt!) + 599_000);
  });

  it("the page is searchable with its URL as the citation's sourceUrl", async () => {
    let results: Array<{ sourceUrl: string | null }> = [];
    for (let i = 0; i < 50 && results.length === 0; i++) {
      const res = await api.postJson("/search", { index: "field-notes", query: "marmots whistle", limit: 3 });
      results = ((await res.json()) as { results: typeof results }).results;
      if (results.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(results[0]?.sourceUrl).toBe(`${site.url}/guide`);
  });

  it("GET /sources lists every index's sources, or one index's with ?index=", async () => {
    const other = await create({ url: `${site.url}/map.xml`, kind: "sitemap", index: "birds" });
    await until(other.id, (s) => s.itemCount === 2);
    const all = (await (await api.call("/sources")).json()) as { sources: SourceBody[]; nextCursor: string | null };
    expect(all.sources.map((s) => s.id).sort()).toEqual([page.id, other.id].sort());
    const one = (await (await api.call("/sources?index=Field%20Notes")).json()) as { sources: SourceBody[] };
    expect(one.sources.map((s) => s.id)).toEqual([page.id]);
    const paged = (await (await api.call("/sources?limit=1")).json()) as { sources: SourceBody[]; nextCursor: string };
    expect(paged.sources).toHaveLength(1);
    const rest = (await (await api.call(`/sources?limit=1&cursor=${paged.nextCursor}`)).json()) as {
      sources: SourceBody[];
      nextCursor: string | null;
    };
    expect(rest.sources).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
  });

  it("POST /sources/{id}/sync → 202 and syncs now, in the background", async () => {
    const before = await until(page.id, () => true);
    site.resetCounts();
    const res = await api.call(`/sources/${page.id}/sync`, { method: "POST" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: page.id, message: "Sync started" });
    const after = await until(page.id, (s) => s.lastRunAt !== before.lastRunAt);
    expect(after.lastStatus).toBe("not_modified");
    expect(site.hits("/guide")).toBe(1);
  });

  it("DELETE /sources/{id} → 204 and deletes the documents it created", async () => {
    const [birds] = ((await (await api.call("/sources?index=birds")).json()) as { sources: SourceBody[] }).sources;
    const docs = async () =>
      ((await (await api.call("/documents?index=birds")).json()) as { documents: unknown[] }).documents.length;
    expect(await docs()).toBe(2);
    const res = await api.call(`/sources/${birds!.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await docs()).toBe(0);
    await expectProblem(await api.call(`/sources/${birds!.id}`), 404);
  });

  it("GET /health shows jobs by state and sources", async () => {
    // The first /health of this server: nothing cached yet. The sitemap's jobs left with its documents.
    const health = (await (await api.call("/health")).json()) as {
      jobs: Record<string, number> | null;
      sources: { total: number; failing: number } | null;
    };
    expect(health.jobs).toEqual({
      queued: expect.any(Number),
      running: expect.any(Number),
      done: expect.any(Number),
      failed: expect.any(Number),
    });
    expect(health.jobs!.done).toBeGreaterThanOrEqual(1);
    expect(health.sources).toEqual({ total: 1, failing: 0 });
  });

  it("the routes are in /openapi.json", async () => {
    const doc = (await (await api.call("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/sources", "/sources/{id}", "/sources/{id}/sync", "/upload"]),
    );
  });
});

describe("errors", () => {
  it.each([
    [{ kind: "page" }, /url/],
    [{ url: `${"http://x.test/"}`, kind: "book" }, /kind/],
    [{ url: "file:///etc/passwd", kind: "page" }, /only http and https/],
    [{ url: "http://u:p@x.test/", kind: "page" }, /credentials/],
    [{ url: "http://x.test/", kind: "page", intervalSeconds: 59 }, /intervalSeconds/],
    [{ url: "http://x.test/", kind: "page", intervalSeconds: 90.5 }, /intervalSeconds/],
    [{ url: "http://x.test/", kind: "page", tags: { __source: ["x"] } }, /reserved/],
    [{ url: "http://x.test/", kind: "page", index: "bad*name" }, /index/],
    [{ url: "http://x.test/", kind: "sitemap", bucket: { region: "eu-west-1" } }, /bucket: only for kind/],
    [{ url: "http://x.test/", kind: "page", crawl: { maxDepth: 1 } }, /crawl: only for kind crawl/],
    [{ url: "http://x.test/", kind: "crawl", crawl: { maxDepth: 11 } }, /crawl.maxDepth/],
    [{ url: "http://x.test/", kind: "crawl", crawl: { maxPages: 0 } }, /crawl.maxPages/],
    [{ url: "http://x.test/", kind: "crawl", crawl: { follow: "all" } }, /crawl.follow: unknown/],
    [{ kind: "bucket" }, /url/],
    [{ url: "r2://no-dashes/docs/", kind: "bucket" }, /BINDING/],
    [{ url: "r2://B/docs/", kind: "bucket", bucket: { region: "auto" } }, /bucket.region: unknown/],
    [{ url: "gs://docs/x", kind: "bucket" }, /only http and https/],
    [{ url: "http://x.test/", kind: "bucket" }, /bucket name/],
    [{ url: "http://x.test/Bad_Name/", kind: "bucket" }, /bucket name/],
    [{ url: "http://x.test/docs/?list-type=2", kind: "bucket" }, /no query/],
    [{ url: "http://x.test/docs/", kind: "bucket", bucket: { provider: "s3" } }, /bucket.provider: unknown/],
    [{ url: "http://x.test/docs/", kind: "bucket", bucket: { accessKeyId: "AK" } }, /come together/],
    [{ url: "http://x.test/docs/", kind: "bucket", bucket: { region: "EU WEST" } }, /bucket.region/],
  ])("POST /sources %j → 400", async (body, detail) => {
    const problem = await expectProblem(await api.postJson("/sources", body), 400);
    expect(problem.detail).toMatch(detail);
  });

  it("credentials on a deployment without SOURCE_SECRET_KEY → 422, and nothing is stored", async () => {
    const bucket = { accessKeyId: "AK", secretAccessKey: "SK-x" };
    const body = { url: `${site.url}/docs/`, kind: "bucket", index: "no-key", bucket };
    const problem = await expectProblem(await api.postJson("/sources", body), 422);
    expect(problem.detail).toMatch(/SOURCE_SECRET_KEY/);
    expect(((await (await api.call("/sources?index=no-key")).json()) as { sources: unknown[] }).sources).toEqual([]);
  });

  it("a second source for the same URL in the same index → 409", async () => {
    await create({ url: `${site.url}/dup`, kind: "page", index: "dups" });
    await expectProblem(await api.postJson("/sources", { url: `${site.url}/dup`, kind: "page", index: "dups" }), 409);
  });

  it("unknown or malformed ids → 404 on every route", async () => {
    for (const id of ["src_00000000000000000000", "nope"]) {
      await expectProblem(await api.call(`/sources/${id}`), 404);
      await expectProblem(await api.call(`/sources/${id}`, { method: "DELETE" }), 404);
      await expectProblem(await api.call(`/sources/${id}/sync`, { method: "POST" }), 404);
    }
  });

  it("a bad list query → 400", async () => {
    await expectProblem(await api.call("/sources?limit=0"), 400);
    await expectProblem(await api.call("/sources?cursor=nope"), 400);
  });
});

describe("auth", () => {
  it("with API_KEYS set, every /sources route needs a key", async () => {
    const locked = await startApiServer({ API_KEYS: "sources-test-key", SOURCE_ALLOW_PRIVATE: "true" });
    try {
      const routes: Array<[string, string]> = [
        ["POST", "/sources"],
        ["GET", "/sources"],
        ["GET", "/sources/src_00000000000000000000"],
        ["DELETE", "/sources/src_00000000000000000000"],
        ["POST", "/sources/src_00000000000000000000/sync"],
      ];
      for (const [method, path] of routes) await expectProblem(await locked.call(path, { method }), 401);
      const ok = await locked.call("/sources", { headers: { authorization: "sources-test-key" } });
      expect(ok.status).toBe(200);
    } finally {
      await locked.close();
    }
  });
});

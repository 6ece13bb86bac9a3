/**
 * Kernel Memory's web-page import: `ImportWebPageAsync` uploads `content.url`
 * holding the URL; the pipeline fetches the page through the fetch guard.
 * Also the JSON form `{ url }`. A refused target is a 400 that stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchResult } from "../../../lib/memory/types.js";
import { type ApiServer, expectProblem, startApiServer, uploadKm, waitForIngestion } from "../../helpers/api.js";
import { type FakeSite, htmlPage, startFakeSite } from "../../helpers/fake-site.js";

let site: FakeSite;
let open: ApiServer;
let guarded: ApiServer;

beforeAll(async () => {
  site = await startFakeSite();
  site.put("/guide.html", {
    type: "text/html",
    body: htmlPage("Field guide", ["Ospreys dive feet first to catch fish.", "<script>track()</script>"]),
  });
  site.put("/gone.html", { type: "text/html", body: "", status: 404 });
  open = await startApiServer({ SOURCE_ALLOW_PRIVATE: "true" });
  guarded = await startApiServer();
});

afterAll(async () => {
  await open?.close();
  await guarded?.close();
  await site?.close();
});

const search = async (api: ApiServer, query: string) =>
  (await (await api.postJson("/search", { index: "web", query, filters: [{}], limit: -1 })).json()) as SearchResult;

describe("web page import", () => {
  it("ingests the page a KM client's content.url points at, and cites its URL", async () => {
    const url = `${site.url}/guide.html`;
    const res = await uploadKm(open, {
      index: "web",
      documentId: "km-web",
      files: [{ name: "content.url", bytes: url }],
    });
    expect(res.status).toBe(202);
    const status = await waitForIngestion(open, "web", "km-web");
    expect(status.completed).toBe(true);
    const result = await search(open, "ospreys dive");
    const citation = result.results.find((c) => c.documentId === "km-web")!;
    expect(citation.sourceUrl).toBe(url);
    expect(citation.partitions[0]!.text).toContain("Ospreys dive feet first");
    expect(citation.partitions[0]!.text).not.toContain("track()");
    expect(site.hits("/guide.html")).toBeGreaterThanOrEqual(1);
  });

  it("accepts the JSON form { url } the same way", async () => {
    const res = await open.postJson("/upload", { index: "web", documentId: "json-web", url: `${site.url}/guide.html` });
    expect(res.status).toBe(202);
    expect((await waitForIngestion(open, "web", "json-web")).completed).toBe(true);
  });

  it("a page that answers 404 fails the document at once with a readable error", async () => {
    await open.postJson("/upload", { index: "web", documentId: "gone", url: `${site.url}/gone.html` });
    const status = await waitForIngestion(open, "web", "gone");
    expect(status).toMatchObject({ completed: false, failed: true, error: { step: "extract" } });
    expect(status.error!.message).toMatch(/HTTP 404/);
  });

  it("refuses private and non-http targets with a 400 before storing anything", async () => {
    site.resetCounts();
    for (const url of [`${site.url}/guide.html`, "http://169.254.169.254/latest/meta-data", "file:///etc/passwd"]) {
      const problem = await expectProblem(
        await uploadKm(guarded, { index: "web", documentId: "refused", files: [{ name: "content.url", bytes: url }] }),
        400,
      );
      expect(problem.detail).toMatch(/refused|only http|this machine|address/i);
    }
    expect(site.totalHits()).toBe(0);
    await expectProblem(await guarded.call("/upload-status?index=web&documentId=refused"), 404);
    const indexes = (await (await guarded.call("/indexes")).json()) as { results: Array<{ name: string }> };
    expect(indexes.results.map((r) => r.name)).not.toContain("web");
  });
});

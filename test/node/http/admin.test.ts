/**
 * `GET/DELETE /indexes` and `GET/DELETE /documents` through the real Node
 * server: normalised names, keyset pages, idempotent deletes that create
 * nothing, and ProblemDetails for bad queries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, expectProblem, startApiServer, uploadKm, waitForIngestion } from "../../helpers/api.js";

type DocumentList = {
  index: string;
  documents: Array<{ documentId: string; completed: boolean; tags: Record<string, string[]>; files: unknown[] }>;
  nextCursor: string | null;
};

let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer();
  const uploads: Array<[string, string]> = [
    ["Admin A", "doc-1"],
    ["Admin A", "doc-2"],
    ["Admin A", "doc-3"],
    ["admin_b", "only"],
  ];
  for (const [index, documentId] of uploads) {
    const res = await uploadKm(api, {
      index,
      documentId,
      tags: ["k:v"],
      files: [{ name: "t.txt", bytes: `${documentId} text` }],
    });
    expect(res.status).toBe(202);
  }
  for (const [index, documentId] of uploads) {
    await waitForIngestion(api, index.toLowerCase().replace(/[\s_]/g, "-"), documentId);
  }
});

afterAll(async () => {
  await api?.close();
});

async function indexNames(): Promise<string[]> {
  const res = await api.call("/indexes");
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ name: string }> }).results.map((r) => r.name).sort();
}

async function list(query: string): Promise<DocumentList> {
  const res = await api.call(`/documents?${query}`);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as DocumentList;
}

describe("indexes", () => {
  it("lists normalised names, created by the first upload", async () => {
    expect(await indexNames()).toEqual(["admin-a", "admin-b"]);
  });

  it("deleting a missing index answers 202 and creates nothing", async () => {
    const res = await api.call("/indexes?index=ghost", { method: "DELETE" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ index: "ghost", documentId: "" });
    expect(await indexNames()).toEqual(["admin-a", "admin-b"]);
  });

  it("deletes an index by any spelling of its name, with its documents", async () => {
    const res = await api.call("/indexes?index=Admin_B", { method: "DELETE" });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { index: string }).index).toBe("admin-b");
    expect(await indexNames()).toEqual(["admin-a"]);
    await expectProblem(await api.call("/upload-status?index=admin-b&documentId=only"), 404);
  });
});

describe("documents", () => {
  it("pages through an index with nextCursor", async () => {
    const first = await list("index=Admin%20A&limit=2");
    expect(first.index).toBe("admin-a");
    expect(first.documents.map((d) => d.documentId)).toEqual(["doc-1", "doc-2"]);
    expect(first.documents[0]).toMatchObject({ completed: true, tags: { k: ["v"] } });
    expect(first.nextCursor).not.toBeNull();
    const second = await list(`index=admin-a&limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.documents.map((d) => d.documentId)).toEqual(["doc-3"]);
    expect(second.nextCursor).toBeNull();
  });

  it("lists an empty page for a missing index", async () => {
    expect(await list("index=ghost")).toEqual({ index: "ghost", documents: [], nextCursor: null });
  });

  it("deletes a document (202), and deleting it again is still 202", async () => {
    const res = await api.call("/documents?index=admin-a&documentId=doc-2", { method: "DELETE" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ index: "admin-a", documentId: "doc-2" });
    await expectProblem(await api.call("/upload-status?index=admin-a&documentId=doc-2"), 404);
    expect((await list("index=admin-a")).documents.map((d) => d.documentId)).toEqual(["doc-1", "doc-3"]);
    const again = await api.call("/documents?index=admin-a&documentId=doc-2", { method: "DELETE" });
    expect(again.status).toBe(202);
    const ghost = await api.call("/documents?index=nowhere&documentId=x", { method: "DELETE" });
    expect(ghost.status).toBe(202);
    expect(await indexNames()).not.toContain("nowhere");
  });
});

describe("errors", () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ["delete without documentId", "DELETE", "/documents?index=admin-a", /documentId/],
    ["delete with a bad documentId", "DELETE", "/documents?documentId=a%2Fb", /documentId/],
    ["delete with a bad index", "DELETE", "/indexes?index=a%3Bb", /index name/],
    ["limit 0", "GET", "/documents?limit=0", /limit/],
    ["limit 101", "GET", "/documents?limit=101", /limit/],
    ["limit not a number", "GET", "/documents?limit=ten", /limit/],
    ["a bad cursor", "GET", "/documents?cursor=%00", /documentId/],
    ["a repeated index", "GET", "/documents?index=a&index=b", /index/],
  ];
  it.each(cases)("400 for %s", async (_label, method, path, detail) => {
    const problem = await expectProblem(await api.call(path, { method }), 400);
    expect(problem.detail).toMatch(detail);
  });

  it("404 ProblemDetails for an unknown route, 404 for a wrong method", async () => {
    await expectProblem(await api.call("/nope"), 404);
    await expectProblem(await api.call("/indexes", { method: "PUT" }), 404);
  });
});

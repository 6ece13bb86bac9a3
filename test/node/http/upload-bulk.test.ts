/**
 * `POST /upload/bulk` as its OpenAPI entry promises: NDJSON lines of one `?index=`, all or nothing (a bad line
 * answers 400 naming every bad line and stores nothing), within `MAX_BULK_LINES`; each accepted document then
 * has its own status, and the same documentId replaces the document. A key scoped to other indexes cannot write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, expectProblem, startApiServer, waitForIngestion } from "../../helpers/api.js";

const ADMIN = "bulk-admin-key-6c1f03aa";
let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: ADMIN, MAX_BULK_LINES: "50" }, ADMIN);
});

afterAll(async () => {
  await api?.close();
});

const ndjson = (lines: unknown[]) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n");
const bulk = (query: string, body: string, headers: Record<string, string> = {}) =>
  api.call(`/upload/bulk${query}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/x-ndjson", ...headers },
  });
const status = (index: string, documentId: string) =>
  api.call(`/upload-status?index=${index}&documentId=${encodeURIComponent(documentId)}`);

describe("POST /upload/bulk", () => {
  it("accepts every line, and each document completes with its own status and tags", async () => {
    const lines = Array.from({ length: 20 }, (_, i) => ({
      documentId: `abs-${i}`,
      text: `Abstract ${i}: the boundary layer over a flat plate at Mach ${i}.`,
      tags: { n: [String(i)] },
      ...(i % 2 ? { index: "Bulk Docs" } : {}),
    }));
    const res = await bulk("?index=bulk-docs", `${ndjson(lines)}\n\n`);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { index: string; count: number; documents: unknown[] };
    expect(body).toEqual({
      index: "bulk-docs",
      count: 20,
      documents: lines.map((l) => ({ index: "bulk-docs", documentId: l.documentId })),
    });
    for (const l of lines) {
      const s = await waitForIngestion(api, "bulk-docs", l.documentId);
      expect(s).toMatchObject({ completed: true, failed: false, tags: { n: l.tags.n } });
    }
    const found = await api.postJson("/search", { index: "bulk-docs", query: "Mach 7 boundary layer", limit: 3 });
    expect(((await found.json()) as { results: unknown[] }).results.length).toBeGreaterThan(0);
  });

  it("replaces a document uploaded again under the same documentId", async () => {
    expect((await bulk("?index=bulk-re", ndjson([{ documentId: "d", text: "old words about herons" }]))).status).toBe(
      202,
    );
    await waitForIngestion(api, "bulk-re", "d");
    expect((await bulk("?index=bulk-re", ndjson([{ documentId: "d", text: "new words about storks" }]))).status).toBe(
      202,
    );
    for (let i = 0; i < 100; i++) {
      const s = (await (await status("bulk-re", "d")).json()) as { completed: boolean };
      if (s.completed) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await api.postJson("/search", { index: "bulk-re", query: "storks herons", limit: 5 });
    const texts = ((await res.json()) as { results: Array<{ partitions: Array<{ text: string }> }> }).results.flatMap(
      (r) => r.partitions.map((p) => p.text),
    );
    expect(texts).toEqual([expect.stringContaining("storks")]);
  });

  it("refuses the whole request when any line is bad, naming each bad line, and stores nothing", async () => {
    const body = ndjson([
      { documentId: "ok-1", text: "fine" },
      "{not json",
      { documentId: "ok-2", text: "x", url: "https://example.com/" },
      { text: "no id" },
      { documentId: "ok-3", text: "fine", index: "other" },
      { documentId: "ok-1", text: "a repeated id" },
      { documentId: "ok-4", text: "fine", tags: { __document_id: ["x"] } },
      { documentId: "ok-5", text: "fine" },
    ]);
    const res = await bulk("?index=bulk-bad", body);
    const problem = (await expectProblem(res, 400)) as unknown as { errors: Array<{ line: number; detail: string }> };
    expect(problem.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
    for (const e of problem.errors) expect(e.detail).not.toBe("");
    for (const id of ["ok-1", "ok-5"]) expect((await status("bulk-bad", id)).status).toBe(404);
  });

  it("refuses too many lines, an empty body, and other content types", async () => {
    const many = ndjson(Array.from({ length: 51 }, (_, i) => ({ documentId: `m${i}`, text: "t" })));
    expect((await expectProblem(await bulk("?index=bulk-lim", many), 400)).detail).toMatch(/MAX_BULK_LINES/);
    await expectProblem(await bulk("?index=bulk-lim", "\n\n"), 400);
    await expectProblem(await bulk("?index=bulk-lim", "{}", { "content-type": "application/json" }), 415);
    expect((await status("bulk-lim", "m0")).status).toBe(404);
  });

  it("lets a scoped key write only to the indexes it matches", async () => {
    const res = await api.postJson("/keys", { name: "acme writer", scope: "write", indexes: ["acme-*"] });
    const { key } = (await res.json()) as { key: string };
    const line = ndjson([{ documentId: "k1", text: "scoped" }]);
    const foreign = await bulk("?index=other-tenant", line, { authorization: key });
    await expectProblem(foreign, 404);
    expect((await status("other-tenant", "k1")).status).toBe(404);
    expect((await bulk("?index=acme-notes", line, { authorization: key })).status).toBe(202);
    const reader = await api.postJson("/keys", { name: "acme reader", scope: "read", indexes: ["acme-*"] });
    const readKey = ((await reader.json()) as { key: string }).key;
    await expectProblem(await bulk("?index=acme-notes", line, { authorization: readKey }), 403);
  });
});

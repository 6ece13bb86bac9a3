/**
 * `POST /search` through the real Node server: Kernel Memory's request shape
 * (`"index": null`, `"filters": [{}]`, `"limit": -1`), tag filters, limits, and
 * a 4xx ProblemDetails for every bad input — never a 500.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchResult } from "../../../lib/memory/types.js";
import { type ApiServer, expectProblem, startApiServer, uploadKm, waitForIngestion } from "../../helpers/api.js";

let api: ApiServer;

const DOCS = [
  {
    id: "apples",
    tags: ["user:ann", "fruit:apple"],
    text: "Apples grow on trees in orchards. Apple pie is a dessert.",
  },
  { id: "pears", tags: ["user:bob", "fruit:pear"], text: "Pears are sweet fruit that ripen after picking." },
  { id: "rockets", tags: ["user:ann", "topic:space", "year:2021"], text: "Rockets carry satellites into orbit." },
];

beforeAll(async () => {
  api = await startApiServer({ SEARCH_MAX_LIMIT: "5" });
  for (const doc of DOCS) {
    const res = await uploadKm(api, {
      documentId: doc.id,
      tags: doc.tags,
      files: [{ name: `${doc.id}.txt`, bytes: doc.text }],
    });
    expect(res.status).toBe(202);
  }
  for (const doc of DOCS) await waitForIngestion(api, "default", doc.id);
});

afterAll(async () => {
  await api?.close();
});

async function search(body: unknown): Promise<SearchResult> {
  const res = await api.postJson("/search", body);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as SearchResult;
}

const documentIds = (r: SearchResult) => [...new Set(r.results.map((c) => c.documentId))].sort();

describe("happy path", () => {
  it("answers the .NET client's exact request with Citations", async () => {
    const result = await search({
      index: null,
      query: "apple orchards",
      filters: [{}],
      minRelevance: 0,
      limit: -1,
      args: {},
    });
    expect(result.query).toBe("apple orchards");
    expect(result.noResult).toBe(false);
    const top = result.results[0]!;
    expect(top).toMatchObject({ index: "default", documentId: "apples", sourceName: "apples.txt" });
    expect(Object.keys(top).sort()).toEqual(
      ["documentId", "fileId", "index", "link", "partitions", "sourceContentType", "sourceName", "sourceUrl"].sort(),
    );
    expect(top.partitions[0]).toMatchObject({ partitionNumber: expect.any(Number), relevance: expect.any(Number) });
    expect(top.partitions[0]!.tags).toMatchObject({ user: ["ann"], fruit: ["apple"] });
  });

  it("ANDs the tags of one filter and ORs the filters", async () => {
    expect(documentIds(await search({ query: "fruit", filters: [{ user: ["ann"] }] }))).toEqual(["apples", "rockets"]);
    expect(documentIds(await search({ query: "fruit", filters: [{ user: ["ann"], fruit: ["apple"] }] }))).toEqual([
      "apples",
    ]);
    expect(documentIds(await search({ query: "fruit", filters: [{ fruit: "pear" }, { topic: ["space"] }] }))).toEqual([
      "pears",
      "rockets",
    ]);
  });

  it("supports the $not and $range extensions", async () => {
    expect(documentIds(await search({ query: "fruit", filters: [{ $not: { user: ["ann"] } }] }))).toEqual(["pears"]);
    expect(
      documentIds(await search({ query: "orbit", filters: [{ $range: { year: { gte: 2020, lt: 2022 } } }] })),
    ).toEqual(["rockets"]);
  });

  it("treats -1, 0 and missing limits as the configured maximum and caps larger ones", async () => {
    const count = (r: SearchResult) => r.results.reduce((n, c) => n + c.partitions.length, 0);
    expect(count(await search({ query: "fruit", limit: 1 }))).toBe(1);
    for (const limit of [-1, 0, undefined, null, 1_000_000]) {
      const n = count(await search({ query: "fruit", limit }));
      expect(n, String(limit)).toBeGreaterThan(1);
      expect(n, String(limit)).toBeLessThanOrEqual(5);
    }
  });

  it("answers an empty result for a missing index without creating it", async () => {
    const result = await search({ index: "Nowhere", query: "apples" });
    expect(result).toEqual({ query: "apples", noResult: true, results: [] });
    const indexes = (await (await api.call("/indexes")).json()) as { results: Array<{ name: string }> };
    expect(indexes.results.map((r) => r.name)).not.toContain("nowhere");
  });

  it("honours minRelevance", async () => {
    const relevances = async (minRelevance: number) =>
      (await search({ query: "apple orchards", minRelevance, limit: -1 })).results
        .flatMap((c) => c.partitions.map((p) => p.relevance))
        .sort((a, b) => b - a);
    const all = await relevances(0);
    // A threshold between the best and the worst hit: some results must pass it and some must not.
    expect(all.length).toBeGreaterThan(1);
    expect(all[0]!).toBeGreaterThan(all.at(-1)!);
    const threshold = (all[0]! + all.at(-1)!) / 2;
    const kept = await relevances(threshold);
    expect(kept).toEqual(all.filter((r) => r >= threshold));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(all.length);
  });
});

describe("errors", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["minRelevance above 1", { query: "x", minRelevance: 2 }, /minRelevance/],
    ["minRelevance as text", { query: "x", minRelevance: "high" }, /minRelevance/],
    ["fractional limit", { query: "x", limit: 1.5 }, /limit/],
    ["query too long", { query: "q".repeat(10_001) }, /query: must be at most 10000/],
    ["query with NUL", { query: "a\u0000b" }, /query: must not contain NUL/],
    ["filters not a list", { query: "x", filters: { user: ["ann"] } }, /filters must be an array/],
    ["filter value not a string", { query: "x", filters: [{ user: [1] }] }, /filters\[0\]\.user\[0\]/],
    ["unknown operator", { query: "x", filters: [{ $where: "1=1" }] }, /unknown operator/],
    ["bad index", { index: "a;b", query: "x" }, /index name/],
    ["index not a string", { index: 5, query: "x" }, /index/],
    ["body is an array", [1, 2], /body/],
    ["args not an object", { query: "x", args: "yes" }, /args/],
  ];
  it.each(cases)("400 for %s", async (_label, body, detail) => {
    const problem = await expectProblem(await api.postJson("/search", body), 400);
    expect(problem.detail).toMatch(detail);
  });

  it("400 for a body that is not JSON", async () => {
    const res = await api.call("/search", {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    await expectProblem(res, 400);
  });

  it("415 for a body that is not declared as JSON", async () => {
    const res = await api.call("/search", {
      method: "POST",
      body: '{"query":"x"}',
      headers: { "content-type": "text/plain" },
    });
    await expectProblem(res, 415);
    const form = new FormData();
    form.append("query", "x");
    await expectProblem(await api.call("/search", { method: "POST", body: form }), 415);
  });

  it("handles a JSON body with invalid UTF-8 without a 5xx", async () => {
    const enc = new TextEncoder();
    const body = new Uint8Array([...enc.encode('{"query":"a'), 0xff, 0xfe, ...enc.encode('b"}')]);
    const res = await api.call("/search", { method: "POST", body, headers: { "content-type": "application/json" } });
    await res.body?.cancel();
    expect(res.status).toBeLessThan(500);
  });

  it("413 for a body over 1 MiB", async () => {
    await expectProblem(await api.postJson("/search", { query: "x", pad: "p".repeat(1024 * 1024) }), 413);
  });

  it("never answers 5xx to arbitrary JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            index: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 }), fc.integer()),
            query: fc.oneof(fc.string({ maxLength: 50 }), fc.constant(null), fc.integer()),
            filters: fc.oneof(
              fc.constant([{}]),
              fc.json().map((j) => JSON.parse(j)),
            ),
            minRelevance: fc.oneof(fc.double({ min: -2, max: 2, noNaN: true }), fc.string({ maxLength: 3 })),
            limit: fc.oneof(fc.integer({ min: -5, max: 10_000 }), fc.constant("10")),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const res = await api.postJson("/search", body);
          const text = await res.text();
          expect(res.status, `${JSON.stringify(body)} → ${text}`).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });
});

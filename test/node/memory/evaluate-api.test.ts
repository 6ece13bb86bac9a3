/**
 * `POST /indexes/{index}/evaluate` end to end on a slice of Cranfield (300 documents ingested through the API,
 * the queries with two or more relevant documents among them): metrics in range and equal to an independent
 * computation from the ranked documents it reports, the per-query table matching the judged set, the runs being
 * the real search's rankings, the same answer from JSONL and from TREC qrels + topics; and bad input refused with
 * ProblemDetails, changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsAt } from "../../../bench/lib/ir-metrics.js";
import type { EvaluationReport } from "../../../lib/memory/evaluate/index.js";
import type { SearchResult } from "../../../lib/memory/types.js";
import { type ApiServer, expectProblem, startApiServer } from "../../helpers/api.js";
import { ingestSlice, type JudgedSlice, judgedSlice, toJsonl, toTrec } from "../../helpers/judged-slice.js";

const INDEX = "cranfield-slice";
let api: ApiServer;
let slice: JudgedSlice;
let report: EvaluationReport;

beforeAll(async () => {
  api = await startApiServer();
  slice = await judgedSlice("cranfield", 300, 40);
  await ingestSlice(api, INDEX, slice.docs);
  const res = await api.postJson(`/indexes/${INDEX}/evaluate`, { jsonl: toJsonl(slice) });
  expect(res.status, await res.clone().text()).toBe(200);
  report = (await res.json()) as EvaluationReport;
}, 600_000);

afterAll(async () => {
  await api?.close();
});

describe("evaluate", () => {
  it("reports every mode with metrics in range, and a per-query row for each judged query", () => {
    expect(slice.queries.length).toBeGreaterThanOrEqual(30);
    expect(report.queries).toBe(slice.queries.length);
    expect(report.runs.map((r) => r.name)).toEqual(["hybrid", "vector", "text", "settings"]);
    for (const run of report.runs) {
      for (const value of [run.ndcg, run.recall, run.mrr]) expect(value).toBeGreaterThanOrEqual(0);
      for (const value of [run.ndcg, run.recall, run.mrr]) expect(value).toBeLessThanOrEqual(1);
      expect(run.p50Ms).toBeGreaterThan(0);
    }
    // A ranking that found nothing relevant would score 0; lexical search on Cranfield is far above that.
    expect(report.runs.find((r) => r.name === "hybrid")!.ndcg).toBeGreaterThan(0.3);
    expect(report.runs.find((r) => r.name === "text")!.ndcg).toBeGreaterThan(0.3);
    expect(report.perQuery.map((q) => q.id)).toEqual(slice.queries.map((q) => q.id));
    expect(report.perQuery.map((q) => q.relevant)).toEqual(
      slice.queries.map((q) => Object.values(q.relevant).filter((g) => g > 0).length),
    );
  });

  it("scores each query as an independent nDCG/recall/RR of the documents it ranked", () => {
    const ids = new Set(slice.docs.map((d) => d.id));
    for (const [i, row] of report.perQuery.entries()) {
      const gains = new Map(Object.entries(slice.queries[i]!.relevant));
      expect(Object.keys(row.runs)).toEqual(["hybrid", "vector", "text", "settings"]);
      for (const score of Object.values(row.runs)) {
        expect(score.ranked.length).toBeLessThanOrEqual(10);
        expect(new Set(score.ranked).size).toBe(score.ranked.length);
        expect(score.ranked.every((d) => ids.has(d))).toBe(true);
        const expected = metricsAt(10, score.ranked, gains);
        expect(score.ndcg).toBeCloseTo(expected.ndcg, 9);
        expect(score.recall).toBeCloseTo(expected.recall, 9);
        expect(score.rr).toBeCloseTo(expected.rr, 9);
      }
    }
    const mean = report.perQuery.reduce((s, q) => s + q.runs.text!.ndcg, 0) / report.perQuery.length;
    expect(report.runs.find((r) => r.name === "text")!.ndcg).toBeCloseTo(mean, 9);
  });

  it("ranks with the real search: /search's documents in its order, and no settings = the defaults", async () => {
    for (const row of report.perQuery.slice(0, 5)) {
      for (const mode of ["hybrid", "vector", "text"] as const) {
        const res = await api.postJson("/search", {
          index: INDEX,
          query: row.query,
          limit: 30,
          args: { search_mode: mode },
        });
        const found = (await res.json()) as SearchResult;
        const documents = [...new Set(found.results.map((c) => c.documentId))].slice(0, 10);
        expect(row.runs[mode]!.ranked, `${mode}: ${row.query}`).toEqual(documents);
      }
      expect(row.runs.settings!.ranked).toEqual(row.runs.hybrid!.ranked);
    }
  });

  it("answers the same from TREC qrels + topics, from graded or listed JSONL, and from a JSON array", async () => {
    const trec = (await (await api.postJson(`/indexes/${INDEX}/evaluate`, toTrec(slice))).json()) as EvaluationReport;
    expect(trec.perQuery.map((q) => q.id)).toEqual(report.perQuery.map((q) => q.id));
    expect(trec.runs.map((r) => r.ndcg)).toEqual(report.runs.map((r) => r.ndcg));
    const listed = await api.postJson(`/indexes/${INDEX}/evaluate`, { jsonl: toJsonl(slice, "list") });
    const binary = (await listed.json()) as EvaluationReport;
    // Same rankings; only the gains differ (every relevant document counts 1).
    expect(binary.perQuery.map((q) => q.runs.text!.ranked)).toEqual(report.perQuery.map((q) => q.runs.text!.ranked));
    const array = await api.postJson(`/indexes/${INDEX}/evaluate`, { queries: slice.queries.slice(0, 3) });
    expect(((await array.json()) as EvaluationReport).perQuery.map((q) => q.runs.text!.ranked)).toEqual(
      report.perQuery.slice(0, 3).map((q) => q.runs.text!.ranked),
    );
    const topics = slice.queries
      .slice(0, 2)
      .map((q) => `<top>\n<num> Number: ${q.id}\n<title> ${q.query}\n</top>`)
      .join("\n");
    const sgml = await api.postJson(`/indexes/${INDEX}/evaluate`, { qrels: toTrec(slice).qrels, topics });
    expect(((await sgml.json()) as EvaluationReport).perQuery.map((q) => q.id)).toEqual(
      slice.queries.slice(0, 2).map((q) => q.id),
    );
  });
});

describe("bad input", () => {
  const one = { id: "1", query: "boundary layer", relevant: ["1"] };
  const tooMany = Array.from({ length: 251 }, (_, i) => ({ ...one, id: String(i) }));
  const CASES: Array<[string, string, unknown, number, RegExp]> = [
    ["malformed JSONL", INDEX, { jsonl: `${JSON.stringify(one)}\n{"query": ` }, 400, /jsonl line 2/],
    [
      "a line without a relevant document",
      INDEX,
      { jsonl: JSON.stringify({ query: "x", relevant: [] }) },
      400,
      /relevant/,
    ],
    ["negative grades", INDEX, { queries: [{ query: "x", relevant: { "1": -1 } }] }, 400, /grade/],
    ["too many queries", INDEX, { queries: tooMany }, 400, /at most 250/],
    ["too many JSONL lines", INDEX, { jsonl: tooMany.map((q) => JSON.stringify(q)).join("\n") }, 400, /at most 250/],
    ["two forms at once", INDEX, { jsonl: JSON.stringify(one), queries: [one] }, 400, /exactly one/],
    ["qrels without topics", INDEX, { qrels: "1 0 1 1" }, 400, /together/],
    ["qrels with 3 columns", INDEX, { qrels: "1 1 2", topics: "1\tx" }, 400, /qrels line 1/],
    ["duplicate ids", INDEX, { queries: [one, one] }, 400, /twice/],
    ["apply without tune", INDEX, { queries: [one], apply: true }, 400, /apply needs tune/],
    ["an unknown index", "no-such-index", { queries: [one] }, 404, /no-such-index/],
  ];
  it.each(CASES)("refuses %s with ProblemDetails", async (_name, index, body, status, detail) => {
    const problem = await expectProblem(await api.postJson(`/indexes/${index}/evaluate`, body), status);
    expect(problem.detail).toMatch(detail);
  });

  it("leaves the index's settings and the index list unchanged", async () => {
    expect(await (await api.call(`/indexes/${INDEX}/settings`)).json()).toEqual({});
    const names = ((await (await api.call("/indexes")).json()) as { results: Array<{ name: string }> }).results;
    expect(names.map((n) => n.name)).toEqual([INDEX]);
  });
});

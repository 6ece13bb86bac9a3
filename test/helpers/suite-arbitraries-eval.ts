/**
 * @module
 * Bad requests for `POST /indexes/{index}/evaluate` and `PATCH /indexes/{index}/settings` (the bad-input suite's
 * families "evaluate" and "settings"): invalid by construction, each must be a 4xx ProblemDetails that changes
 * nothing. The suite seeds the index `seeded`.
 */
import fc from "fast-check";
import type { BadRequest } from "./suite-arbitraries.js";

const enc = new TextEncoder();
const JSON_CT = { "content-type": "application/json" };
const jsonRequest = (label: string, method: string, path: string, body: unknown): BadRequest => ({
  label,
  method,
  path,
  headers: JSON_CT,
  body: enc.encode(JSON.stringify(body)),
});

const EVALUATE = "/indexes/seeded/evaluate";
const one = { query: "tides", relevant: ["doc-seed"] };
const line = JSON.stringify(one);

export const evaluateRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  fc
    .constantFrom("{", "not json", '{"query": "x"', "[1,", "\u0000")
    .map((bad) => jsonRequest("malformed JSONL line", "POST", EVALUATE, { jsonl: `${line}\n${bad}\n${line}` })),
  fc
    .constantFrom<unknown>(null, 1, "doc", [], [1], {}, { d: -1 }, { d: "high" }, [""])
    .map((relevant) => jsonRequest("bad relevant", "POST", EVALUATE, { queries: [{ query: "tides", relevant }] })),
  fc
    .constantFrom<unknown>("", "   ", 7, null, "\u0000x")
    .map((query) => jsonRequest("bad query", "POST", EVALUATE, { queries: [{ query, relevant: ["doc-seed"] }] })),
  fc
    .integer({ min: 251, max: 400 })
    .map((n) => jsonRequest("too many queries", "POST", EVALUATE, { jsonl: Array(n).fill(line).join("\n") })),
  fc
    .constantFrom<unknown>({}, { jsonl: line, queries: [one] }, { qrels: "1 0 d 1" }, { topics: "1\tx" })
    .map((body) => jsonRequest("not exactly one form", "POST", EVALUATE, body)),
  fc
    .constantFrom("1 d 1", "1 0 d high", "1 0 d 1 extra")
    .map((qrels) => jsonRequest("bad qrels line", "POST", EVALUATE, { qrels, topics: "1\ttides" })),
  fc
    .constantFrom("no tab here", "<top><num> 1 </top>")
    .map((topics) => jsonRequest("bad topics", "POST", EVALUATE, { qrels: "1 0 doc-seed 1", topics })),
  fc.constant(jsonRequest("apply without tune", "POST", EVALUATE, { queries: [one], apply: true })),
  fc
    .constantFrom<unknown>("yes", 1, null)
    .map((tune) => jsonRequest("bad tune", "POST", EVALUATE, { queries: [one], tune })),
  fc
    .constantFrom("no-such-index", "nothing")
    .map((index) => jsonRequest("unknown index", "POST", `/indexes/${index}/evaluate`, { queries: [one] })),
  fc.constantFrom("{", "", "[]", "1").map((text) => ({
    label: "body not a JSON object",
    method: "POST",
    path: EVALUATE,
    headers: JSON_CT,
    body: enc.encode(text),
  })),
);

const SETTINGS = "/indexes/seeded/settings";

export const settingsRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  fc
    .oneof(fc.double({ min: 1.0001, max: 1e6, noNaN: true }), fc.constantFrom<unknown>("0.5", true, [], {}, -0.1))
    .map((text_weight) => jsonRequest("bad text_weight", "PATCH", SETTINGS, { text_weight })),
  fc
    .constantFrom<unknown>("fuzzy", "", 1, true, ["text"])
    .map((search_mode) => jsonRequest("bad search_mode", "PATCH", SETTINGS, { search_mode })),
  fc
    .constantFrom<unknown>("maybe", 1, [], {})
    .map((query_expansion) => jsonRequest("bad flag", "PATCH", SETTINGS, { query_expansion })),
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((k) => !["search_mode", "text_weight", "query_expansion", "rerank"].includes(k))
    .map((key) => jsonRequest("unknown setting", "PATCH", SETTINGS, { [key]: 1 })),
  fc.constantFrom<unknown>(null, 1, "x", [1]).map((body) => jsonRequest("body not an object", "PATCH", SETTINGS, body)),
  fc.constant(jsonRequest("unknown index", "PATCH", "/indexes/no-such-index/settings", { text_weight: 0.5 })),
  fc.constant({
    label: "not JSON",
    method: "PATCH",
    path: SETTINGS,
    headers: { "content-type": "text/plain" },
    body: enc.encode("text_weight=0.5"),
  }),
);

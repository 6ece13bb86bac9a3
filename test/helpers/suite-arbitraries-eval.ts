/**
 * @module
 * Bad requests for `POST /indexes/{index}/evaluate`, `PATCH /indexes/{index}/settings` and
 * `GET|PATCH /documents/{documentId}` (the bad-input suite's families "evaluate", "settings" and "document"): invalid by construction, each must be a 4xx ProblemDetails that changes
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

const DOCUMENT = "/documents/doc-seed?index=seeded";

/** `GET|PATCH /documents/{documentId}`: tags refused as an upload refuses them, bad pages, unknown documents. */
export const documentRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  fc
    .constantFrom("__document_id", "__x", "", "a:b", "k=v", "x".repeat(129), "a\u0000b")
    .map((key) => jsonRequest("bad tag key", "PATCH", DOCUMENT, { tags: { [key]: ["v"] } })),
  fc
    .constantFrom<unknown>(1, [1], {}, [["v"]], [null], ["a\u0000"], ["v".repeat(1025)])
    .map((value) => jsonRequest("bad tag value", "PATCH", DOCUMENT, { tags: { team: value } })),
  fc
    .constantFrom<unknown>(null, [], "team:x", 1, true)
    .map((tags) => jsonRequest("tags not an object", "PATCH", DOCUMENT, { tags })),
  fc
    .integer({ min: 257, max: 400 })
    .map((n) =>
      jsonRequest("too many tags", "PATCH", DOCUMENT, { tags: { many: Array.from({ length: n }, (_, i) => `v${i}`) } }),
    ),
  fc.constantFrom<unknown>({}, null, 1, "x", [1]).map((body) => jsonRequest("no tags object", "PATCH", DOCUMENT, body)),
  fc
    .constantFrom("no-such-doc", "bad%2Fid", "d".repeat(300), "%00")
    .map((id) => jsonRequest("bad or unknown document", "PATCH", `/documents/${id}?index=seeded`, { tags: {} })),
  fc
    .constantFrom("offset=-1", "offset=x", "limit=0", "limit=101", "limit=1.5", "offset=10000001")
    .map((query) => ({ label: "bad page", method: "GET", path: `${DOCUMENT}&${query}` })),
  fc
    .constantFrom("no-such-doc", "bad%2Fid", "d".repeat(300))
    .map((id) => ({ label: "bad or unknown document", method: "GET", path: `/documents/${id}?index=seeded` })),
  fc.constant({
    label: "not JSON",
    method: "PATCH",
    path: DOCUMENT,
    headers: { "content-type": "text/plain" },
    body: enc.encode("tags=team:x"),
  }),
);

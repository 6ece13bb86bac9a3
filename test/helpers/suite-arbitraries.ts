/**
 * @module
 * fast-check generators of invalid requests for the JSON routes (`/search`, `/ask`, JSON `/upload`) and the
 * query-string routes; the shared defects are in suite-arbitraries-core.ts, multipart uploads in
 * suite-arbitraries-multipart.ts.
 */
import fc from "fast-check";
import {
  type BadRequest,
  badDocumentId,
  badIndex,
  badJsonTags,
  brokenJson,
  HUGE,
  JSON_CT,
  jsonRequest,
  jsonRouteDefects,
  noise,
  notAnObject,
  notAString,
  withDefect,
} from "./suite-arbitraries-core.js";

export type { BadRequest } from "./suite-arbitraries-core.js";
export { uploadMultipartRequests } from "./suite-arbitraries-multipart.js";

export const searchRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  ...jsonRouteDefects("/search", { index: "seeded", query: "tides", filters: [{}], limit: 5 }, true),
  notAString.map((query) => jsonRequest("query not a string", "POST", "/search", { query })),
  withDefect(["\u0000"]).map((query) => jsonRequest("NUL in query", "POST", "/search", { query })),
  fc
    .integer({ min: 10_001, max: 20_000 })
    .map((n) => jsonRequest("query too long", "POST", "/search", { query: "q".repeat(n) })),
  fc
    .oneof(
      fc.double({ min: 0.1, max: 0.9, noNaN: true }).map((d) => 3 + d),
      fc.constantFrom<unknown>("10", true, [5], {}),
    )
    .map((limit) => jsonRequest("bad limit", "POST", "/search", { query: "tides", limit })),
);

export const askRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  ...jsonRouteDefects("/ask", { index: "seeded", question: "What about tides?", filters: [{}] }, true),
  fc.constant(jsonRequest("no question", "POST", "/ask", { index: "seeded" })),
  fc
    .constantFrom("", " ", "\t\n", "\u3000")
    .map((question) => jsonRequest("blank question", "POST", "/ask", { question })),
  notAString.map((question) => jsonRequest("question not a string", "POST", "/ask", { question })),
  withDefect(["\u0000"]).map((question) => jsonRequest("NUL in question", "POST", "/ask", { question })),
  fc
    .integer({ min: 10_001, max: 20_000 })
    .map((n) => jsonRequest("question too long", "POST", "/ask", { question: "q".repeat(n) })),
  fc
    .constantFrom<unknown>("yes", 1, [], {})
    .map((stream) => jsonRequest("bad stream", "POST", "/ask", { question: "tides?", stream })),
);

const VALID_TEXT_UPLOAD = { index: "fuzz", documentId: "fuzz-doc", text: "hello world" };

export const uploadJsonRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  ...jsonRouteDefects("/upload", VALID_TEXT_UPLOAD, false),
  fc.constant(jsonRequest("no text", "POST", "/upload", { index: "fuzz", documentId: "fuzz-doc" })),
  fc.constant(jsonRequest("text null", "POST", "/upload", { ...VALID_TEXT_UPLOAD, text: null })),
  notAString.map((text) => jsonRequest("text not a string", "POST", "/upload", { ...VALID_TEXT_UPLOAD, text })),
  noise.map((u) =>
    jsonRequest("url instead of text", "POST", "/upload", { ...VALID_TEXT_UPLOAD, url: `http://127.0.0.1/${u}` }),
  ),
  badDocumentId.map((documentId) =>
    jsonRequest("bad documentId", "POST", "/upload", { ...VALID_TEXT_UPLOAD, documentId }),
  ),
  fc
    .oneof(fc.integer(), fc.boolean(), fc.constant({}))
    .map((documentId) =>
      jsonRequest("documentId not a string", "POST", "/upload", { ...VALID_TEXT_UPLOAD, documentId }),
    ),
  badJsonTags.map((tags) => jsonRequest("bad tags", "POST", "/upload", { ...VALID_TEXT_UPLOAD, tags })),
  fc
    .constantFrom<unknown>(["teleport"], ["summarize"], [1], "extract", Array(21).fill("extract"), ["x".repeat(65)])
    .map((steps) => jsonRequest("bad steps", "POST", "/upload", { ...VALID_TEXT_UPLOAD, steps })),
  fc
    .constant(0)
    .map(() => jsonRequest("text too large", "POST", "/upload", { ...VALID_TEXT_UPLOAD, text: "t".repeat(HUGE) })),
);

// ---- query-string routes -----------------------------------------------------------------------------------------

const q = encodeURIComponent;
/** Percent sequences that do not decode; the service must read them literally (and so reject them). */
const MALFORMED_PERCENT = ["%ZZ", "%E0%A4%A", "%", "%%00", "%C0%AF", "%u0000"];

const badDocumentIdQuery = fc.oneof(
  badDocumentId.map((id) => `documentId=${q(id)}`),
  fc.constantFrom(...MALFORMED_PERCENT).map((p) => `documentId=doc${p}`),
  fc.constant("documentId="),
);
const badIndexQuery = fc.oneof(
  badIndex.map((index) => `index=${q(index)}`),
  fc.constantFrom(...MALFORMED_PERCENT).map((p) => `index=a${p}`),
);

const get = (label: string, method: string, path: string): BadRequest => ({ label, method, path });

export const uploadStatusRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  fc
    .constantFrom("/upload-status", "/upload-status?index=seeded", "/upload-status?documentid=doc-seed")
    .map((p) => get("no documentId", "GET", p)),
  badDocumentIdQuery.map((qs) => get("bad documentId", "GET", `/upload-status?index=seeded&${qs}`)),
  badIndexQuery.map((qs) => get("bad index", "GET", `/upload-status?${qs}&documentId=doc-seed`)),
);

export const deleteIndexRequests: fc.Arbitrary<BadRequest> = badIndexQuery.map((qs) =>
  get("bad index", "DELETE", `/indexes?${qs}`),
);

export const documentsRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  // list
  fc
    .constantFrom("0", "101", "-1", "abc", "1.5", "1e3", "", "NaN", "Infinity")
    .map((limit) => get("list: bad limit", "GET", `/documents?index=seeded&limit=${q(limit)}`)),
  badDocumentId.map((cursor) => get("list: bad cursor", "GET", `/documents?index=seeded&cursor=${q(cursor)}`)),
  badIndexQuery.map((qs) => get("list: bad index", "GET", `/documents?${qs}`)),
  // delete
  fc.constantFrom("/documents", "/documents?index=seeded").map((p) => get("delete: no documentId", "DELETE", p)),
  badDocumentIdQuery.map((qs) => get("delete: bad documentId", "DELETE", `/documents?index=seeded&${qs}`)),
  badIndexQuery.map((qs) => get("delete: bad index", "DELETE", `/documents?${qs}&documentId=doc-seed`)),
);

/** `POST /sources` when the service has it: bodies that are not a source definition at all. */
export const sourcesRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  brokenJson({ url: "https://example.com/", index: "seeded" }).map((body) => ({
    label: "broken JSON",
    method: "POST",
    path: "/sources",
    headers: JSON_CT,
    body,
  })),
  notAnObject.map((body) => jsonRequest("body not an object", "POST", "/sources", body)),
  notAString.map((url) => jsonRequest("url not a string", "POST", "/sources", { url, index: "seeded" })),
  badIndex.map((index) => jsonRequest("bad index", "POST", "/sources", { url: "https://example.com/", index })),
  fc
    .constantFrom("file:///etc/passwd", "javascript:alert(1)", "not a url", "ftp://example.com/x", "")
    .map((url) => jsonRequest("bad url", "POST", "/sources", { url, index: "seeded" })),
);

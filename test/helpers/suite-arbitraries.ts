/**
 * @module
 * fast-check generators of requests that are invalid by construction, per
 * route family of the memory API. Every generated value carries at least one
 * defect the service's rules reject (a character no index or document id may
 * hold, a wrong type, a broken body...), so none of them may legitimately
 * change data. Kernel Memory's normalisation makes some "scary" input valid
 * (`../x` as an index becomes `---x`; a blank documentId means "pick one"), so
 * those only ever appear next to a defect that stays invalid.
 */
import fc from "fast-check";
import { kmMultipart } from "./km-multipart.js";

export type BadRequest = {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
};

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const json = (value: unknown) => bytes(JSON.stringify(value));
const JSON_CT = { "content-type": "application/json" };
/** 2 MB: over MAX_UPLOAD_BYTES (1 MiB in the suite) and over the 1 MiB JSON body cap. */
export const HUGE = 2 * 1024 * 1024;

/** Noise around a defect: any Unicode text (whole graphemes, so it always URL-encodes). */
const noise = fc.string({ unit: "grapheme", maxLength: 12 });

/**
 * Characters that are invalid in an index name even after Kernel Memory's normalisation (lower-casing and
 * whitespace _ . : / \ | → `-`) and in a document id (letters, digits, `.` `_` `-` only). None is whitespace,
 * so a value holding one is never blank.
 */
const FORBIDDEN = [
  "'",
  '"',
  ";",
  "%",
  "\u0000",
  "<",
  ">",
  "*",
  "?",
  "#",
  "&",
  "=",
  "+",
  ",",
  "(",
  ")",
  "$",
  "!",
  "@",
  "~",
  "`",
  "\u202e", // right-to-left override
  "\u200b", // zero-width space (not whitespace for trim)
  "😀",
];
/** Look-alikes of ASCII letters: fine in a document id (they are letters), never in an index name. */
const CONFUSABLES = ["а", "е", "о", "ｄ", "ａ", "é", "ı", "ß"];

const SQL_AND_PATHS = [
  "'; drop table memory_chunks; --",
  "x' or '1'='1",
  "../../etc/passwd%00",
  "..\\..\\windows\\system.ini;",
  "%00",
  "a%2e%2e%2fb",
  "$(rm -rf /)",
  "default\u0000",
  "robert'); delete from memory_documents;--",
];

const withDefect = (defects: readonly string[]) =>
  fc.tuple(noise, fc.constantFrom(...defects), noise).map(([a, d, b]) => `${a}${d}${b}`);

/** Index names no connector could store. */
export const badIndex: fc.Arbitrary<string> = fc.oneof(
  withDefect(FORBIDDEN),
  withDefect(CONFUSABLES),
  fc.constantFrom(...SQL_AND_PATHS),
  fc.integer({ min: 129, max: 300 }).map((n) => "a".repeat(n)),
);

/** Document ids with a character outside letters, digits, `.`, `_`, `-` (never blank), or too long. */
export const badDocumentId: fc.Arbitrary<string> = fc.oneof(
  withDefect([...FORBIDDEN, "/", "\\", ":", "|", "[", "]", "{", "}", "^"]),
  fc.constantFrom(...SQL_AND_PATHS, "../etc/passwd", "..\\boot.ini", "a b", "doc\n1"),
  fc.integer({ min: 257, max: 400 }).map((n) => "d".repeat(n)),
);

/** `key:value` tags (multipart) that break a tag rule. */
export const badTagPair: fc.Arbitrary<string> = fc.oneof(
  noise.map((v) => `:${v}`),
  fc.tuple(noise, noise).map(([k, v]) => `${k.replace(/:/g, "")}=x:${v}`),
  fc.tuple(noise, noise).map(([k, v]) => `__${k}:${v}`),
  noise.map((v) => `${"k".repeat(129)}:${v}`),
  fc.integer({ min: 1025, max: 2000 }).map((n) => `k:${"v".repeat(n)}`),
  fc.tuple(noise, noise).map(([k, v]) => `k${k.replace(/[:=]/g, "")}:${v}\u0000`),
  fc.constantFrom("user:ann\u0000'; drop table memory_jobs;--", "\u0000:x", "__document_id:hijack"),
);

/** JSON `tags` values that break the `{ key: [values] }` shape or a tag rule. */
export const badJsonTags: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>([], ["user:ann"], "user:ann", 42, true),
  noise.map((v) => ({ "": [v] })),
  noise.map((v) => ({ "a:b": [v] })),
  noise.map((v) => ({ "a=b": [v] })),
  noise.map((v) => ({ __file_id: [v] })),
  noise.map((v) => ({ [`${"k".repeat(129)}`]: [v] })),
  fc.constantFrom<unknown>({ user: [1] }, { user: { x: "y" } }, { user: [null] }, { user: 7 }, { user: [["a"]] }),
  fc.integer({ min: 1025, max: 1500 }).map((n) => ({ user: ["v".repeat(n)] })),
  noise.map((v) => ({ user: [`${v}\u0000`] })),
);

/** `filters` that are not Kernel Memory filters. */
export const badFilters: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>({ user: ["ann"] }, "user:ann", 42, true, [[]], [1], ["user:ann"], [null]),
  noise.map((v) => [{ $or: { user: [v] } }]),
  // Kernel Memory's system tags (`__document_id`, …) are valid filter keys; other `__` keys are not.
  noise.map((v) => [{ __documentid: [v] }]),
  noise.map((v) => [{ $not: { __owner: [v] } }]),
  noise.map((v) => [{ "a:b": [v] }]),
  fc.constantFrom<unknown>(
    [{ user: [1] }],
    [{ user: { $eq: "x" } }],
    [{ $range: { year: { between: 1 } } }],
    [{ $range: { year: {} } }],
    [{ $range: { year: { gt: true } } }],
    [{ $not: ["x"] }],
  ),
  fc.constant(Array.from({ length: 51 }, () => ({}))),
  fc.constant([Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, ["v"]]))]),
);

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
);
const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 10 }), fc.constant([1, 2]));

/** Content types that are neither JSON nor a multipart form with a boundary. */
const WRONG_TYPES = [
  "text/plain",
  "text/plain; charset=utf-8",
  "application/xml",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
  "text/html",
  "image/png",
  "application/jsonx",
];

/** Bodies that are not JSON: truncated, with trailing garbage, raw invalid UTF-8, or plain text. */
const brokenJson = (valid: Record<string, unknown>): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.nat().map((n) => {
      const text = JSON.stringify(valid);
      return bytes(text.slice(0, n % text.length)); // a strict prefix of an object is never JSON
    }),
    fc.constantFrom("x", "}{", ",", "\u0000", "'").map((tail) => bytes(`${JSON.stringify(valid)}${tail}`)),
    fc.uint8Array({ maxLength: 64 }).map((rest) => new Uint8Array([0xff, 0xfe, 0xc3, 0x28, ...rest])),
    fc.constantFrom("index=default&text=hi", "<xml/>", "{'single': 'quotes'}", "{text: unquoted}").map(bytes),
    fc.constant(new Uint8Array()),
  );

const jsonRequest = (label: string, method: string, path: string, body: unknown): BadRequest => ({
  label,
  method,
  path,
  headers: JSON_CT,
  body: json(body),
});

/** Shared defects of the JSON routes (`/search`, `/ask`, JSON `/upload`) around a body that would be valid. */
function jsonRouteDefects(
  path: string,
  valid: Record<string, unknown>,
  /** Search and ask read filters and minRelevance; an upload ignores both (unknown properties), so no defect there. */
  queryFields: boolean,
): fc.Arbitrary<BadRequest>[] {
  const defects: fc.Arbitrary<BadRequest>[] = [
    fc.tuple(fc.constantFrom(...WRONG_TYPES), fc.boolean()).map(([type, omit]) => ({
      label: omit ? "no content type" : `content-type ${type}`,
      method: "POST",
      path,
      ...(omit ? {} : { headers: { "content-type": type } }),
      body: json(valid),
    })),
    brokenJson(valid).map((body) => ({ label: "broken JSON", method: "POST", path, headers: JSON_CT, body })),
    notAnObject.map((body) => jsonRequest("body not an object", "POST", path, body)),
    fc.constant(jsonRequest("body null", "POST", path, null)),
    fc
      .oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constant(["a"]), badIndex)
      .map((index) => jsonRequest("bad index", "POST", path, { ...valid, index })),
    fc
      .constantFrom<unknown>([1], "x", 3, true)
      .map((args) => jsonRequest("bad args", "POST", path, { ...valid, args })),
    fc.constant(0).map(() => ({
      label: "huge body",
      method: "POST",
      path,
      headers: JSON_CT,
      body: json({ ...valid, padding: "p".repeat(HUGE) }),
    })),
  ];
  if (!queryFields) return defects;
  return [
    ...defects,
    badFilters.map((filters) => jsonRequest("bad filters", "POST", path, { ...valid, filters })),
    fc
      .oneof(
        fc.double({ min: 1.0001, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: -1.0001, noNaN: true }),
        fc.constantFrom<unknown>("0.5", true, [], {}),
      )
      .map((minRelevance) => jsonRequest("bad minRelevance", "POST", path, { ...valid, minRelevance })),
  ];
}

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

// ---- multipart ---------------------------------------------------------------------------------------------------

type Form = Parameters<typeof kmMultipart>[0];
const OK_FILE = { name: "ok.txt", bytes: "A small valid text file." };
const VALID_FORM: Form = { index: "fuzz", documentId: "fuzz-mp", files: [OK_FILE] };

const multipart = (label: string, form: Form): BadRequest => {
  const { body, contentType } = kmMultipart(form);
  return { label, method: "POST", path: "/upload", headers: { "content-type": contentType }, body };
};

const raw = (label: string, contentType: string, body: Uint8Array | string): BadRequest => ({
  label,
  method: "POST",
  path: "/upload",
  headers: { "content-type": contentType },
  body: typeof body === "string" ? bytes(body) : body,
});

const part = (boundary: string, headers: string, content: string) =>
  `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`;

export const uploadMultipartRequests: fc.Arbitrary<BadRequest> = fc.oneof(
  // The content type's boundary is missing, empty, too long, or not the body's.
  fc
    .constantFrom(
      "multipart/form-data",
      "multipart/form-data; boundary=",
      'multipart/form-data; boundary=""',
      `multipart/form-data; boundary=${"b".repeat(71)}`,
      "multipart/form-data; boundary=not-the-one",
      "multipart/form-data; charset=utf-8",
    )
    .map((type) => ({
      ...multipart("boundary", VALID_FORM),
      headers: { "content-type": type },
      label: `type ${type}`,
    })),
  fc
    .uint8Array({ maxLength: 256 })
    .map((body) => raw("no boundary in body", "multipart/form-data; boundary=XYZ", body)),
  // Truncated anywhere before the close delimiter is complete.
  fc.nat().map((n) => {
    const r = multipart("truncated", VALID_FORM);
    return { ...r, body: r.body!.slice(0, n % (r.body!.length - 2)) };
  }),
  fc.constant(0).map(() => {
    const r = multipart("LF instead of CRLF", VALID_FORM);
    return { ...r, body: bytes(new TextDecoder().decode(r.body).replaceAll("\r\n", "\n")) };
  }),
  // A nested multipart: the file lives in an inner form the service does not descend into.
  fc.constant(0).map(() => {
    const inner = kmMultipart(VALID_FORM);
    const innerBoundary = /boundary="([^"]+)"/.exec(inner.contentType)![1]!;
    const body =
      part("OUTER", "Content-Disposition: form-data; name=index", "fuzz") +
      part(
        "OUTER",
        `Content-Disposition: form-data; name=nested\r\nContent-Type: multipart/mixed; boundary=${innerBoundary}`,
        new TextDecoder().decode(inner.body),
      ) +
      "--OUTER--\r\n";
    return raw("nested multipart", "multipart/form-data; boundary=OUTER", body);
  }),
  fc
    .constantFrom(
      "Content-Type: text/plain",
      "Content-Disposition: attachment; name=file0; filename=a.txt",
      "Content-Disposition: form-data; filename=a.txt",
      'Content-Disposition: form-data; name=""; filename=a.txt',
      "Content-Disposition form-data",
    )
    .map((headers) =>
      raw("bad part headers", "multipart/form-data; boundary=B", `${part("B", headers, "hi")}--B--\r\n`),
    ),
  fc.constant(
    raw(
      "no file part",
      "multipart/form-data; boundary=B",
      `${part("B", "Content-Disposition: form-data; name=index", "fuzz")}--B--\r\n`,
    ),
  ),
  fc.constant(
    raw(
      "field not UTF-8",
      "multipart/form-data; boundary=B",
      new Uint8Array([
        ...bytes("--B\r\nContent-Disposition: form-data; name=index\r\n\r\n"),
        0xff,
        0xc0,
        ...bytes(`\r\n${part("B", "Content-Disposition: form-data; name=file0; filename=a.txt", "hi")}--B--\r\n`),
      ]),
    ),
  ),
  badIndex.map((index) => multipart("bad index", { ...VALID_FORM, index })),
  badDocumentId.map((documentId) => multipart("bad documentId", { ...VALID_FORM, documentId })),
  badTagPair.map((tag) => multipart("bad tag", { ...VALID_FORM, tags: ["ok:1", tag] })),
  fc
    .constantFrom("teleport", "summarize", "extract,teleport")
    .map((step) => multipart("bad step", { ...VALID_FORM, steps: [step] })),
  fc.constantFrom("[1]", "nope", '"x"', "42").map((args) => multipart("bad args", { ...VALID_FORM, args })),
  fc.constant(0).map(() => {
    // Two index parts: a single-valued field sent as a list.
    const { body, contentType } = kmMultipart({ ...VALID_FORM, tags: [] });
    const text = new TextDecoder().decode(body);
    const b = /boundary="([^"]+)"/.exec(contentType)![1]!;
    return raw("index twice", contentType, `${part(b, "Content-Disposition: form-data; name=index", "other")}${text}`);
  }),
  fc
    .tuple(
      fc.constantFrom("a.exe", "b.bin", "noext", "x.zip", "../../evil.so"),
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
    )
    .map(([name, rest]) =>
      multipart("unsupported file", {
        ...VALID_FORM,
        files: [{ name, bytes: new Uint8Array([0x4d, 0x5a, 0, 0, 0xff, ...rest]) }],
      }),
    ),
  fc
    .constant(0)
    .map(() => multipart("huge file", { ...VALID_FORM, files: [{ name: "big.txt", bytes: "x".repeat(HUGE) }] })),
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

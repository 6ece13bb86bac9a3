/**
 * @module
 * fast-check generators of requests that are invalid by construction, per
 * route family of the memory API: the shared defects (this file), the JSON and query-string routes
 * (suite-arbitraries.ts), multipart uploads (suite-arbitraries-multipart.ts). Every generated value carries at least one
 * defect the service's rules reject (a character no index or document id may
 * hold, a wrong type, a broken body...), so none of them may legitimately
 * change data. Kernel Memory's normalisation makes some "scary" input valid
 * (`../x` as an index becomes `---x`; a blank documentId means "pick one"), so
 * those only ever appear next to a defect that stays invalid.
 */
import fc from "fast-check";

export type BadRequest = {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
};

const enc = new TextEncoder();
export const bytes = (s: string) => enc.encode(s);
const json = (value: unknown) => bytes(JSON.stringify(value));
export const JSON_CT = { "content-type": "application/json" };
/** 2 MB: over MAX_UPLOAD_BYTES (1 MiB in the suite) and over the 1 MiB JSON body cap. */
export const HUGE = 2 * 1024 * 1024;

/** Noise around a defect: any Unicode text (whole graphemes, so it always URL-encodes). */
export const noise = fc.string({ unit: "grapheme", maxLength: 12 });

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

export const withDefect = (defects: readonly string[]) =>
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

export const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
);
export const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 10 }), fc.constant([1, 2]));

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
export const brokenJson = (valid: Record<string, unknown>): fc.Arbitrary<Uint8Array> =>
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

export const jsonRequest = (label: string, method: string, path: string, body: unknown): BadRequest => ({
  label,
  method,
  path,
  headers: JSON_CT,
  body: json(body),
});

/** Shared defects of the JSON routes (`/search`, `/ask`, JSON `/upload`) around a body that would be valid. */
export function jsonRouteDefects(
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

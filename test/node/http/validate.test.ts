/**
 * The input rules every memory route applies (lib/contract/validate.ts, validate-filters.ts) and the
 * multipart parser: Kernel Memory's values pass, anything else is a
 * `ValidationError` with a readable message — never another kind of throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  normalizeIndexName,
  parseSteps,
  parseTag,
  tagsFromPairs,
  validateDocumentId,
  validateTags,
} from "../../../lib/contract/validate.js";
import { validateFilters } from "../../../lib/contract/validate-filters.js";
import { ValidationError } from "../../../lib/errors.js";
import { parseMultipart } from "../../../lib/http/multipart.js";
import { kmMultipart } from "../../helpers/api.js";

/** Runs `fn`; passes when it returns or throws a ValidationError, fails on any other throw. */
function onlyValidationErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (err instanceof ValidationError) return true;
    throw err;
  }
}

describe("normalizeIndexName", () => {
  it("follows Kernel Memory's connectors", () => {
    expect(normalizeIndexName(undefined)).toBe("default");
    expect(normalizeIndexName(null)).toBe("default");
    expect(normalizeIndexName("   ")).toBe("default");
    expect(normalizeIndexName(" My.Docs ")).toBe("my-docs");
    expect(normalizeIndexName("a_b:c/d\\e|f g")).toBe("a-b-c-d-e-f-g");
    expect(normalizeIndexName("a".repeat(128))).toBe("a".repeat(128));
  });

  it("rejects what no connector could store", () => {
    expect(() => normalizeIndexName("a;drop")).toThrow(/index name may contain only letters, digits/);
    expect(() => normalizeIndexName("a".repeat(129))).toThrow(/longer than 128/);
    expect(() => normalizeIndexName("é")).toThrow(ValidationError);
    expect(() => normalizeIndexName("a\u0000b")).toThrow(ValidationError);
  });

  it("is idempotent and only ever yields [a-z0-9-]{1,128}", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        let name: string;
        try {
          name = normalizeIndexName(raw);
        } catch (err) {
          expect(err).toBeInstanceOf(ValidationError);
          return;
        }
        expect(name).toMatch(/^[a-z0-9-]{1,128}$/);
        expect(normalizeIndexName(name)).toBe(name);
      }),
    );
  });
});

describe("validateDocumentId", () => {
  it("accepts Kernel Memory ids, any script's letters and digits", () => {
    expect(validateDocumentId("doc-1_a.b")).toBe("doc-1_a.b");
    expect(validateDocumentId("20240101.120000.abcdef")).toBe("20240101.120000.abcdef");
    expect(validateDocumentId("résumé")).toBe("résumé");
  });

  it("rejects empty, long and punctuated ids", () => {
    for (const bad of ["", "a b", "a/b", "a:b", "a\u0000", "x".repeat(257), "../etc"]) {
      expect(() => validateDocumentId(bad), bad).toThrow(ValidationError);
    }
    expect(() => validateDocumentId(42)).toThrow(ValidationError);
  });

  it("never throws anything but ValidationError", () => {
    fc.assert(fc.property(fc.anything(), (raw) => onlyValidationErrors(() => validateDocumentId(raw))));
  });
});

describe("tags", () => {
  it("splits on the first colon", () => {
    expect(parseTag("user:ann:smith")).toEqual(["user", "ann:smith"]);
    expect(parseTag("type:")).toEqual(["type", ""]);
    expect(parseTag("flag")).toEqual(["flag", null]);
  });

  it("collects repeated multipart tags per key", () => {
    expect(tagsFromPairs(["user:ann", "user:bob", "user:ann", "flag"])).toEqual({ user: ["ann", "bob"], flag: [] });
  });

  it("rejects reserved, empty and oversized keys and values", () => {
    expect(() => parseTag("__document_id:x")).toThrow(/reserved/);
    expect(() => parseTag(":x")).toThrow(/must not be empty/);
    expect(() => parseTag("a=b:x")).toThrow(/must not contain/);
    expect(() => parseTag(`${"k".repeat(129)}:x`)).toThrow(/longer than 128/);
    expect(() => parseTag(`k:${"v".repeat(1025)}`)).toThrow(/longer than 1024/);
    expect(() => parseTag("k:a\u0000b")).toThrow(/NUL/);
  });

  it("accepts JSON tags as lists, single strings or null", () => {
    expect(validateTags({ user: ["ann"], type: "news", flag: null })).toEqual({
      user: ["ann"],
      type: ["news"],
      flag: [],
    });
    expect(validateTags(null)).toEqual({});
    expect(() => validateTags({ user: [1] } as never)).toThrow(/tags.user\[0\] must be a string/);
    expect(() => validateTags([] as never)).toThrow(ValidationError);
  });

  it("never throws anything but ValidationError", () => {
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.string(), fc.anything()), (pair, dict) => {
        onlyValidationErrors(() => parseTag(pair));
        onlyValidationErrors(() => validateTags(dict));
      }),
    );
  });
});

describe("validateFilters", () => {
  it("accepts what Kernel Memory sends", () => {
    expect(validateFilters(null)).toEqual([]);
    expect(validateFilters(undefined)).toEqual([]);
    expect(validateFilters([{}])).toEqual([{}]);
    expect(validateFilters([{ user: ["ann", "bob"] }, { type: "news" }])).toEqual([
      { user: ["ann", "bob"] },
      { type: ["news"] },
    ]);
  });

  it("accepts the $not and $range extensions", () => {
    const filters = [{ user: ["ann"], $not: { type: ["draft"] }, $range: { year: { gte: 2020, lt: "2025" } } }];
    expect(validateFilters(filters)).toEqual(filters);
  });

  it("names the path of what is wrong", () => {
    expect(() => validateFilters({ user: ["ann"] })).toThrow(/filters must be an array/);
    expect(() => validateFilters([[]])).toThrow(/filters\[0\] must be an object/);
    expect(() => validateFilters([{ user: [1] }])).toThrow(/filters\[0\]\.user\[0\] must be a string/);
    expect(() => validateFilters([{ $or: {} }])).toThrow(/filters\[0\]\.\$or: unknown operator/);
    expect(() => validateFilters([{ $range: { year: { between: 1 } } }])).toThrow(/year\.between: unknown bound/);
    expect(() => validateFilters([{ $range: { year: { gt: Number.NaN } } }])).toThrow(/finite number/);
    expect(() => validateFilters([{ $range: { year: {} } }])).toThrow(/at least one/);
    expect(() => validateFilters([{ __file_ids: ["x"] }])).toThrow(/reserved for system tags/);
    expect(() => validateFilters([{ $not: { __proto__x: ["x"] } }])).toThrow(/reserved for system tags/);
  });

  it("caps the number of filters and of tags per filter", () => {
    expect(() => validateFilters(Array.from({ length: 51 }, () => ({})))).toThrow(/at most 50 filters/);
    const wide = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, ["v"]]));
    expect(() => validateFilters([wide])).toThrow(/at most 50 tags/);
    expect(() => validateFilters([{ k: Array.from({ length: 51 }, () => "v") }])).toThrow(/at most 50 values/);
  });

  it("never throws anything but ValidationError, and what passes is well-formed", () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (raw) =>
        onlyValidationErrors(() => {
          for (const filter of validateFilters(raw)) {
            for (const [key, value] of Object.entries(filter)) {
              if (key.startsWith("$")) continue;
              expect(Array.isArray(value) && value.every((v) => typeof v === "string")).toBe(true);
            }
          }
        }),
      ),
    );
  });
});

describe("parseSteps", () => {
  it("keeps Kernel Memory's step names, in pipeline order, without repeats", () => {
    expect(parseSteps([])).toEqual(["extract", "partition", "gen_embeddings", "save_records"]);
    expect(parseSteps(["save_records", "extract"])).toEqual(["extract", "save_records"]);
    expect(parseSteps(["extract,partition; gen_embeddings save_records", "save_records"])).toEqual([
      "extract",
      "partition",
      "gen_embeddings",
      "save_records",
    ]);
    expect(parseSteps(["extract", "delete_generated_files"])).toEqual(["extract"]);
  });

  it("rejects unknown steps and summarize", () => {
    expect(() => parseSteps(["extract", "summarize"])).toThrow(/summarize/);
    expect(() => parseSteps(["teleport"])).toThrow(/unknown step 'teleport'/);
  });
});

describe("parseMultipart", () => {
  it("reads the .NET client's body: quoted boundary, unquoted names, filename*", () => {
    const { body, contentType } = kmMultipart({
      index: "",
      documentId: "doc1",
      tags: ["user:ann", "user:bob"],
      steps: ["extract"],
      files: [
        { name: "résumé.txt", bytes: "hello" },
        { name: "b.md", bytes: "# hi" },
      ],
    });
    const form = parseMultipart(body, contentType);
    expect(form.fields).toEqual([
      { name: "index", value: "" },
      { name: "documentId", value: "doc1" },
      { name: "steps", value: "extract" },
      { name: "tags", value: "user:ann" },
      { name: "tags", value: "user:bob" },
    ]);
    expect(form.files.map((f) => [f.field, f.name, f.contentType, new TextDecoder().decode(f.bytes)])).toEqual([
      ["file0", "résumé.txt", undefined, "hello"],
      ["file1", "b.md", undefined, "# hi"],
    ]);
  });

  it("reads a browser-style body and keeps file bytes exact", () => {
    const bytes = new Uint8Array([0, 13, 10, 45, 45, 255, 1, 2]);
    const form = new FormData();
    form.append("index", "docs");
    form.append("files", new Blob([bytes], { type: "application/octet-stream" }), "x.bin");
    const req = new Request("http://x/", { method: "POST", body: form });
    return req.arrayBuffer().then((buf) => {
      const parsed = parseMultipart(new Uint8Array(buf), req.headers.get("content-type"));
      expect(parsed.fields).toEqual([{ name: "index", value: "docs" }]);
      expect([...parsed.files[0]!.bytes]).toEqual([...bytes]);
      expect(parsed.files[0]!.contentType).toBe("application/octet-stream");
    });
  });

  it("rejects malformed bodies with ValidationError, never anything else", () => {
    const ct = "multipart/form-data; boundary=XYZ";
    const enc = new TextEncoder();
    expect(() => parseMultipart(enc.encode("garbage"), ct)).toThrow(/boundary never occurs/);
    expect(() => parseMultipart(enc.encode("--XYZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv"), ct)).toThrow(
      /closing boundary/,
    );
    expect(() => parseMultipart(enc.encode("--XYZ--"), "multipart/form-data")).toThrow(/boundary/);
    expect(() => parseMultipart(enc.encode("--XYZ\r\nX: y\r\n\r\nv\r\n--XYZ--"), ct)).toThrow(/Content-Disposition/);
    expect(() =>
      parseMultipart(
        new Uint8Array([
          ...enc.encode("--XYZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"),
          0xff,
          ...enc.encode("\r\n--XYZ--"),
        ]),
        ct,
      ),
    ).toThrow(/not valid UTF-8/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 80 }), (bytes, type) => {
        onlyValidationErrors(() => parseMultipart(bytes, ct));
        onlyValidationErrors(() => parseMultipart(bytes, type));
        const framed = new Uint8Array([...enc.encode("--XYZ\r\n"), ...bytes, ...enc.encode("\r\n--XYZ--\r\n")]);
        onlyValidationErrors(() => parseMultipart(framed, ct));
      }),
    );
  });
});

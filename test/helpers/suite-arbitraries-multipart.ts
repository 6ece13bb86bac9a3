/**
 * @module
 * fast-check generators of invalid multipart uploads (`POST /upload` as Kernel Memory's client sends it), split from
 * suite-arbitraries.ts, which re-exports them: every value carries a defect the service's rules reject.
 */
import fc from "fast-check";
import { kmMultipart } from "./km-multipart.js";
import { type BadRequest, badDocumentId, badIndex, badTagPair, bytes, HUGE } from "./suite-arbitraries-core.js";

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

/**
 * @module
 * A small `multipart/form-data` parser over bytes (RFC 7578), because the
 * platform ones disagree with Kernel Memory's .NET client: Node 20's undici
 * rejects the whole body when a part's `name=` is unquoted or a file part
 * carries `filename*=utf-8''…`, and the .NET client sends both. Parsing the
 * bytes ourselves behaves the same on Node and Workers.
 *
 * Malformed input throws `ValidationError` (→ 400); limits on part count and
 * header size keep a hostile body from costing more than its own bytes.
 *
 * @example
 * const { fields, files } = parseMultipart(new Uint8Array(await req.arrayBuffer()), req.headers.get("content-type"));
 */
import { ValidationError } from "../errors.js";

export type MultipartFile = { field: string; name: string; contentType?: string; bytes: Uint8Array };
export type MultipartForm = {
  /** Text parts in arrival order; a name may repeat (`tags`, `steps`). */
  fields: Array<{ name: string; value: string }>;
  files: MultipartFile[];
};

const MAX_PARTS = 1000;
const MAX_PART_HEADER_BYTES = 16 * 1024;
const CRLF = new Uint8Array([13, 10]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);
const utf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");

/** The boundary from a `multipart/form-data` content type, quoted (as .NET sends it) or not. */
export function multipartBoundary(contentType: string | undefined | null): string | undefined {
  if (!contentType) return undefined;
  const [essence, ...params] = splitParams(contentType);
  if (essence?.toLowerCase() !== "multipart/form-data") return undefined;
  for (const [key, value] of params) {
    if (key === "boundary" && value.length >= 1 && value.length <= 70) return value;
  }
  return undefined;
}

export function parseMultipart(body: Uint8Array, contentType: string | undefined | null): MultipartForm {
  const boundary = multipartBoundary(contentType);
  if (!boundary) throw new ValidationError("multipart/form-data needs a boundary parameter of 1 to 70 characters");
  const dash = new TextEncoder().encode(`--${boundary}`);
  const delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  const findDelimiter = delimiterFinder(delimiter);

  // The first delimiter may sit at the very start (no preamble) or after a preamble line.
  let pos: number;
  if (startsWith(body, dash, 0)) pos = dash.length;
  else {
    const first = findDelimiter(body, 0);
    if (first < 0) throw new ValidationError("malformed multipart body: the boundary never occurs");
    pos = first + delimiter.length;
  }

  const form: MultipartForm = { fields: [], files: [] };
  for (let parts = 0; ; parts++) {
    if (body[pos] === 45 && body[pos + 1] === 45) return form; // "--": the close delimiter
    pos = skipTransportPadding(body, pos);
    if (!startsWith(body, CRLF, pos)) throw new ValidationError("malformed multipart body: boundary line not ended");
    pos += 2;
    if (parts >= MAX_PARTS) throw new ValidationError(`multipart body has more than ${MAX_PARTS} parts`);

    const headerEnd = startsWith(body, CRLF, pos) ? pos : indexOf(body, HEADER_END, pos);
    if (headerEnd < 0 || headerEnd - pos > MAX_PART_HEADER_BYTES) {
      throw new ValidationError("malformed multipart body: part headers not terminated");
    }
    const headers = parseHeaders(lenientUtf8.decode(body.subarray(pos, headerEnd)));
    const contentStart = headerEnd === pos ? pos + 2 : headerEnd + 4;
    const next = findDelimiter(body, contentStart);
    if (next < 0) throw new ValidationError("malformed multipart body: missing closing boundary");
    addPart(form, headers, body.subarray(contentStart, next));
    pos = next + delimiter.length;
  }
}

function addPart(form: MultipartForm, headers: Map<string, string>, content: Uint8Array): void {
  const disposition = headers.get("content-disposition");
  if (!disposition) throw new ValidationError("malformed multipart body: a part has no Content-Disposition");
  const [kind, ...params] = splitParams(disposition);
  if (kind?.toLowerCase() !== "form-data") {
    throw new ValidationError("malformed multipart body: Content-Disposition must be form-data");
  }
  const param = new Map(params);
  const name = param.get("name");
  if (name === undefined || name === "") throw new ValidationError("malformed multipart body: a part has no name");
  const fileName = extendedValue(param.get("filename*")) ?? param.get("filename");
  if (fileName !== undefined) {
    // A browser form with no file chosen sends an empty, nameless file part: not an upload.
    if (fileName === "" && content.length === 0) return;
    const contentType = headers.get("content-type");
    form.files.push({
      field: name,
      name: safeFileName(fileName),
      ...(contentType ? { contentType } : {}),
      bytes: content,
    });
    return;
  }
  try {
    form.fields.push({ name, value: utf8.decode(content) });
  } catch {
    throw new ValidationError(`form field '${name}' is not valid UTF-8`);
  }
}

/**
 * The base name only (a client's directory is none of our business, and a
 * `../` must never reach storage), without control characters (Postgres text
 * cannot hold NUL), at most 255 characters like most file systems.
 */
function safeFileName(raw: string): string {
  let name = "";
  for (const ch of raw.split(/[\\/]/).pop() ?? "") name += ch < " " || ch === "\u007f" ? "_" : ch;
  name = name.trim();
  if (name.length > 255) throw new ValidationError("a file name is longer than 255 characters");
  return name === "" || name === "." || name === ".." ? "file" : name;
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new ValidationError("malformed multipart body: bad part header line");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * `value; key=token; key="quoted \"string\""` → [essence, ...[key, value]].
 * Keys are lower-cased; quoted values are unescaped.
 */
function splitParams(header: string): [string, ...Array<[string, string]>] {
  const semi = header.indexOf(";");
  const essence = (semi < 0 ? header : header.slice(0, semi)).trim();
  const params: Array<[string, string]> = [];
  let i = semi < 0 ? header.length : semi + 1;
  while (i < header.length) {
    while (header[i] === " " || header[i] === "\t" || header[i] === ";") i++;
    const eq = header.indexOf("=", i);
    if (eq < 0) break;
    const key = header.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (header[i] === " " || header[i] === "\t") i++;
    let value = "";
    if (header[i] === '"') {
      i++;
      while (i < header.length && header[i] !== '"') {
        if (header[i] === "\\" && i + 1 < header.length) i++;
        value += header[i];
        i++;
      }
      i++;
      const nextSemi = header.indexOf(";", i);
      i = nextSemi < 0 ? header.length : nextSemi;
    } else {
      const nextSemi = header.indexOf(";", i);
      const end = nextSemi < 0 ? header.length : nextSemi;
      value = header.slice(i, end).trim();
      i = end;
    }
    if (key) params.push([key, value]);
  }
  return [essence, ...params];
}

/** RFC 8187 `charset'lang'percent-encoded`; undefined when absent or undecodable (then `filename=` is used). */
function extendedValue(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const match = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(raw);
  if (!match) return undefined;
  const charset = match[1]!.toLowerCase();
  if (charset !== "utf-8" && charset !== "") return undefined;
  try {
    return decodeURIComponent(match[2]!);
  } catch {
    return undefined;
  }
}

// RFC 2046 allows spaces and tabs between a boundary and its CRLF.
function skipTransportPadding(body: Uint8Array, pos: number): number {
  while (body[pos] === 32 || body[pos] === 9) pos++;
  return pos;
}

function startsWith(body: Uint8Array, needle: Uint8Array, at: number): boolean {
  if (at + needle.length > body.length) return false;
  for (let j = 0; j < needle.length; j++) if (body[at + j] !== needle[j]) return false;
  return true;
}

function indexOf(body: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  for (let i = body.indexOf(first, from); i >= 0; i = body.indexOf(first, i + 1)) {
    if (i + needle.length > body.length) return -1;
    if (startsWith(body, needle, i)) return i;
  }
  return -1;
}

/**
 * Finds the delimiter with Boyer–Moore–Horspool: each step looks at the byte under the delimiter's end and skips
 * as far as that byte allows (the whole delimiter, ~40 bytes, for a byte not in it). A 25 MiB file part is then
 * crossed in under a million steps instead of a byte-by-byte scan that held the event loop for ~100 ms. A
 * candidate is compared from the delimiter's CR, so a hostile body costs at most about one comparison per byte.
 */
function delimiterFinder(needle: Uint8Array): (body: Uint8Array, from: number) => number {
  const m = needle.length;
  const lastByte = needle[m - 1]!;
  const shift = new Int32Array(256).fill(m);
  for (let j = 0; j < m - 1; j++) shift[needle[j]!] = m - 1 - j;
  return (body, from) => {
    for (let i = from; i + m <= body.length; ) {
      const b = body[i + m - 1]!;
      if (b === lastByte && startsWith(body, needle, i)) return i;
      i += shift[b]!;
    }
    return -1;
  };
}

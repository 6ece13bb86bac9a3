/**
 * @module
 * Decides what a file is. Kernel Memory's .NET client sends file parts without a Content-Type, so the order is:
 * file-name extension, then a specific declared type, then the bytes themselves.
 */

import { MIME, type SupportedMimeType } from "./types.js";
import { zipEntries } from "./zip.js";

const BY_EXTENSION: Readonly<Record<string, SupportedMimeType>> = {
  txt: MIME.text,
  text: MIME.text,
  md: MIME.markdown,
  markdown: MIME.markdown,
  html: MIME.html,
  htm: MIME.html,
  json: MIME.json,
  csv: MIME.csv,
  pdf: MIME.pdf,
  docx: MIME.docx,
  xlsx: MIME.xlsx,
  pptx: MIME.pptx,
  png: MIME.png,
  jpg: MIME.jpeg,
  jpeg: MIME.jpeg,
  jpe: MIME.jpeg,
  tif: MIME.tiff,
  tiff: MIME.tiff,
};

// Declared types that mean one of ours; anything else declared falls through to sniffing.
const BY_DECLARED: Readonly<Record<string, SupportedMimeType>> = {
  "text/plain": MIME.text,
  "text/markdown": MIME.markdown,
  "text/x-markdown": MIME.markdown,
  "text/html": MIME.html,
  "application/xhtml+xml": MIME.html,
  "application/json": MIME.json,
  "text/json": MIME.json,
  "text/csv": MIME.csv,
  "application/csv": MIME.csv,
  "application/pdf": MIME.pdf,
  "application/x-pdf": MIME.pdf,
  [MIME.docx]: MIME.docx,
  [MIME.xlsx]: MIME.xlsx,
  [MIME.pptx]: MIME.pptx,
  "image/png": MIME.png,
  "image/jpeg": MIME.jpeg,
  "image/jpg": MIME.jpeg,
  "image/pjpeg": MIME.jpeg,
  "image/tiff": MIME.tiff,
  "image/tiff-fx": MIME.tiff,
};

// Enough to judge "is this text?" without decoding a whole large upload.
const SNIFF_BYTES = 64 * 1024;
const ascii = new TextEncoder();

export function detectContentType(input: {
  fileName?: string;
  contentType?: string;
  bytes: Uint8Array;
}): string | undefined {
  return byExtension(input.fileName) ?? byDeclaredType(input.contentType) ?? sniff(input.bytes);
}

function byExtension(fileName: string | undefined): SupportedMimeType | undefined {
  if (!fileName) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  if (dot < 0) return undefined;
  return BY_EXTENSION[
    base
      .slice(dot + 1)
      .trim()
      .toLowerCase()
  ];
}

function byDeclaredType(contentType: string | undefined): SupportedMimeType | undefined {
  if (!contentType) return undefined;
  const essence = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return BY_DECLARED[essence];
}

function sniff(bytes: Uint8Array): SupportedMimeType | undefined {
  const image = sniffImage(bytes);
  if (image) return image;
  if (startsWithAscii(bytes, "%PDF-") || indexOfAscii(bytes.subarray(0, 1024), "%PDF-") >= 0) return MIME.pdf;
  if (startsWithAscii(bytes, "PK\x03\x04")) return sniffOoxml(bytes);
  const head = decodeStrictPrefix(bytes.subarray(0, SNIFF_BYTES));
  if (head === undefined || looksBinary(head)) return undefined;

  const start = head.replace(/^\uFEFF/, "").trimStart();
  if (/^<!doctype\s+html[\s>]/i.test(start) || /^<html[\s>]/i.test(start)) return MIME.html;
  if ((start.startsWith("{") || start.startsWith("[")) && parsesAsJson(bytes)) return MIME.json;
  return MIME.text;
}

/**
 * An OOXML package names its main part's folder in the zip: `word/` (DOCX), `xl/` (XLSX), `ppt/` (PPTX), each
 * beside a `[Content_Types].xml`. A zip whose central directory cannot be read is judged by the names in its
 * local headers, as before.
 */
function sniffOoxml(bytes: Uint8Array): SupportedMimeType | undefined {
  const entries = zipEntries(bytes);
  if (!entries) return indexOfAscii(bytes, "word/") >= 0 ? MIME.docx : undefined;
  if (!entries.has("[Content_Types].xml")) return undefined;
  for (const name of entries.keys()) {
    if (name.startsWith("word/")) return MIME.docx;
    if (name.startsWith("xl/")) return MIME.xlsx;
    if (name.startsWith("ppt/")) return MIME.pptx;
  }
  return undefined;
}

/** Undefined when the bytes are not valid UTF-8; a sequence cut off at the end of the prefix is tolerated. */
function decodeStrictPrefix(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
}

// NUL never occurs in real text; other C0 controls (besides whitespace and ESC) only in small numbers.
function looksBinary(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x0b && c !== 0x1b) controls++;
  }
  return controls > text.length / 100;
}

// Detection runs on the request path: past this size a whole-body JSON.parse would hold the event loop, so a
// large body counts as JSON when it is bracketed like JSON (extraction keeps it as text if it does not parse).
const JSON_PARSE_MAX = 1024 * 1024;

function parsesAsJson(bytes: Uint8Array): boolean {
  if (bytes.length > JSON_PARSE_MAX) {
    let end = bytes.length - 1;
    while (end > 0 && (bytes[end] === 0x20 || bytes[end] === 0x0a || bytes[end] === 0x0d || bytes[end] === 0x09)) end--;
    return bytes[end] === 0x7d || bytes[end] === 0x5d;
  }
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
}

/** The image types by their magic bytes (PNG signature, JPEG SOI marker, TIFF byte order + 42). */
export function sniffImage(bytes: Uint8Array): SupportedMimeType | undefined {
  if (startsWithBytes(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return MIME.png;
  if (startsWithBytes(bytes, [0xff, 0xd8, 0xff])) return MIME.jpeg;
  if (startsWithBytes(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWithBytes(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return MIME.tiff;
  }
  return undefined;
}

function startsWithBytes(bytes: Uint8Array, marker: readonly number[]): boolean {
  return bytes.length >= marker.length && marker.every((b, i) => bytes[i] === b);
}

function startsWithAscii(bytes: Uint8Array, marker: string): boolean {
  if (bytes.length < marker.length) return false;
  for (let i = 0; i < marker.length; i++) if (bytes[i] !== marker.charCodeAt(i)) return false;
  return true;
}

function indexOfAscii(bytes: Uint8Array, marker: string): number {
  const needle = ascii.encode(marker);
  const first = needle[0]!;
  const last = bytes.length - needle.length;
  outer: for (let i = bytes.indexOf(first); i >= 0 && i <= last; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * @module
 * How a fetched URL becomes a document: a deterministic id (the same URL in
 * the same source is always the same document, so a re-fetch replaces it) and
 * a file name whose extension says what the bytes are, since the extractors
 * go by the name first.
 *
 * @example
 * await documentIdFor("src_1a2b", "https://example.com/docs/intro") // "src-3f9c…" (24 hex)
 * fileNameFor("https://example.com/docs/intro", "text/html")         // "intro.html"
 */
import { sha256Hex } from "../ingest/hashing.js";

const EXTENSIONS: Readonly<Record<string, string>> = {
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/plain": "txt",
  "text/markdown": "md",
  "text/x-markdown": "md",
  "application/json": "json",
  "text/csv": "csv",
  "application/csv": "csv",
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
};

/**
 * Derived from the source id as well as the URL: two sources that list the
 * same page own separate documents, so deleting one never removes the other's.
 */
export async function documentIdFor(sourceId: string, url: string): Promise<string> {
  return `src-${(await sha256Hex(`${sourceId}\n${url}`)).slice(0, 24)}`;
}

export function fileNameFor(url: string, contentType: string): string {
  const ext = EXTENSIONS[contentType] ?? "txt";
  let base = "";
  try {
    const u = new URL(url);
    const last = u.pathname.split("/").filter(Boolean).pop() ?? "";
    base = safeDecode(last).replace(/\.[A-Za-z0-9]{1,5}$/, "") || u.hostname;
  } catch {
    base = "";
  }
  base =
    base
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 80) || "page";
  return `${base}.${ext}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

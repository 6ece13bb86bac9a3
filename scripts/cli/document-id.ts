/**
 * @module
 * Deterministic document ids from a file's relative path, so re-running
 * `ingest` replaces the same documents instead of adding copies.
 *
 * The service accepts letters, digits, `.`, `_` and `-` (at most 256 chars).
 * `path` mode keeps ids readable: `docs/guide/intro.md` → `docs_guide_intro.md`;
 * when characters had to be replaced or the id would be too long, 8 hex chars
 * of the path's SHA-256 are appended so different paths stay different ids.
 * `hash` mode is always 32 hex chars of that hash: opaque, never colliding.
 *
 * @example
 * documentIdFor("docs/my notes.md", "path") // "docs_my-notes.md-8d2d0a50"
 */
import { createHash } from "node:crypto";

export type DocumentIdMode = "path" | "hash";

const NOT_ALLOWED = /[^\p{L}\p{Nd}._-]/gu;
const MAX_READABLE = 200;

export function documentIdFor(relativePath: string, mode: DocumentIdMode): string {
  const hash = createHash("sha256").update(relativePath).digest("hex");
  if (mode === "hash") return hash.slice(0, 32);
  const segments = relativePath.split("/");
  const slug = segments.map((s) => s.replace(NOT_ALLOWED, "-")).join("_");
  const lossy = segments.some((s) => s.replace(NOT_ALLOWED, "") !== s);
  if (!lossy && slug.length <= MAX_READABLE) return slug;
  return `${slug.slice(0, MAX_READABLE)}-${hash.slice(0, 8)}`;
}

/**
 * @module
 * Which files an `ingest` run uploads. Folders are walked recursively in a
 * stable (sorted) order; hidden entries, symbolic links and files the service
 * cannot extract are skipped with a reason the run prints.
 *
 * Every file gets a relative path that does not depend on the working folder:
 * a folder argument contributes its own name (`ingest ./docs` and
 * `ingest ~/p/docs` both yield `docs/guide.md`), a file argument its base name.
 * Document ids are derived from it, so they are stable across runs.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "./args.js";

/**
 * The extensions the service extracts (lib/extract/detect.ts). The server is
 * the judge (an unknown type is answered 415); this copy only saves uploading
 * files that would be refused.
 */
export const SUPPORTED_EXTENSIONS = new Set([
  "txt",
  "text",
  "md",
  "markdown",
  "html",
  "htm",
  "json",
  "csv",
  "pdf",
  "docx",
  "png",
  "jpg",
  "jpeg",
  "jpe",
  "tif",
  "tiff",
]);

export type FoundFile = { absolutePath: string; relativePath: string; name: string };
export type SkippedEntry = { relativePath: string; reason: string };

export async function findFiles(args: string[]): Promise<{ files: FoundFile[]; skipped: SkippedEntry[] }> {
  const files: FoundFile[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  const add = (absolutePath: string, relativePath: string) => {
    if (seen.has(absolutePath)) return;
    seen.add(absolutePath);
    const name = path.basename(absolutePath);
    const ext = path.extname(name).slice(1).toLowerCase();
    if (SUPPORTED_EXTENSIONS.has(ext)) files.push({ absolutePath, relativePath, name });
    else skipped.push({ relativePath, reason: ext ? `unsupported type .${ext}` : "no file extension" });
  };

  for (const arg of args) {
    const absolute = path.resolve(arg);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new UsageError(`no such file or folder: ${arg}`);
    // Named explicitly, so not skipped for being hidden.
    const own = path.basename(absolute).normalize("NFC") || "root";
    if (info.isFile()) add(absolute, own);
    else if (info.isDirectory()) await walk(absolute, own, add, skipped);
    else skipped.push({ relativePath: arg, reason: "not a regular file" });
  }
  return { files, skipped };
}

async function walk(
  folder: string,
  relative: string,
  add: (absolutePath: string, relativePath: string) => void,
  skipped: SkippedEntry[],
): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const absolute = path.join(folder, entry.name);
    // Posix separators and NFC (macOS stores NFD), so ids match across machines.
    const rel = `${relative}/${entry.name.normalize("NFC")}`;
    if (entry.name.startsWith(".")) {
      skipped.push({ relativePath: rel, reason: entry.isDirectory() ? "hidden folder" : "hidden file" });
    } else if (entry.isSymbolicLink()) {
      // Links can loop or leave the folder; name the target explicitly to ingest it.
      skipped.push({ relativePath: rel, reason: "symbolic link" });
    } else if (entry.isDirectory()) {
      await walk(absolute, rel, add, skipped);
    } else if (entry.isFile()) {
      add(absolute, rel);
    } else {
      skipped.push({ relativePath: rel, reason: "not a regular file" });
    }
  }
}

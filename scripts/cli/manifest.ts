/**
 * @module
 * What `ingest` uploaded before, so a re-run skips unchanged files without
 * the server having to tell (it keeps no client fingerprints). One JSON file
 * in the working folder, `.serverless-memory/ingest-manifest.json`, keyed by
 * service URL, index and document id. An entry is written only once its
 * document finished processing, and the file is replaced atomically after each
 * one, so an interrupted run loses nothing it completed.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export const MANIFEST_PATH = path.join(".serverless-memory", "ingest-manifest.json");

export type ManifestEntry = {
  path: string;
  fileName: string;
  sha256: string;
  /** `key:value`, sorted: changing a document's tags re-uploads it. */
  tags: string[];
  uploadedAt: string;
};

type ManifestFile = {
  version: 1;
  /** service URL → index → documentId → entry */
  services: Record<string, Record<string, Record<string, ManifestEntry>>>;
};

export class Manifest {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly data: ManifestFile,
  ) {}

  /** A missing or unreadable manifest is an empty one: the worst case is re-uploading. */
  static async load(cwd: string, warn: (message: string) => void): Promise<Manifest> {
    const file = path.join(cwd, MANIFEST_PATH);
    let data: ManifestFile = { version: 1, services: {} };
    try {
      const parsed = JSON.parse(await readFile(file, "utf8")) as ManifestFile;
      if (parsed?.version === 1 && typeof parsed.services === "object" && parsed.services) data = parsed;
      else warn(`ignoring ${MANIFEST_PATH}: unknown format`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
        warn(`ignoring ${MANIFEST_PATH}: ${(err as Error).message}`);
      }
    }
    return new Manifest(file, data);
  }

  get(service: string, index: string, documentId: string): ManifestEntry | undefined {
    return this.data.services[service]?.[index]?.[documentId];
  }

  /** Records an entry and rewrites the file; writes are serialised, so concurrent uploads cannot interleave. */
  set(service: string, index: string, documentId: string, entry: ManifestEntry): Promise<void> {
    const indexes = this.data.services[service] ?? {};
    this.data.services[service] = indexes;
    const documents = indexes[index] ?? {};
    indexes[index] = documents;
    documents[documentId] = entry;
    // A failed write must not wedge the ones after it; its caller sees the error.
    this.writing = this.writing.catch(() => undefined).then(() => this.save());
    return this.writing;
  }

  /** The entries recorded for one service and index, by document id. */
  entries(service: string, index: string): Array<[documentId: string, entry: ManifestEntry]> {
    return Object.entries(this.data.services[service]?.[index] ?? {});
  }

  /** Forgets a document (deleted on the server), so a later ingest uploads its file as new. */
  delete(service: string, index: string, documentId: string): Promise<void> {
    const documents = this.data.services[service]?.[index];
    if (!documents || !(documentId in documents)) return this.writing;
    delete documents[documentId];
    this.writing = this.writing.catch(() => undefined).then(() => this.save());
    return this.writing;
  }

  private async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(this.data, null, 2)}\n`);
    await rename(temporary, this.file);
  }
}

export function sameContent(entry: ManifestEntry | undefined, next: Omit<ManifestEntry, "uploadedAt">): boolean {
  return (
    entry !== undefined &&
    entry.sha256 === next.sha256 &&
    entry.fileName === next.fileName &&
    entry.tags.join("\n") === next.tags.join("\n")
  );
}

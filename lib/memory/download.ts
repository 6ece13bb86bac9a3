/**
 * @module
 * `readDocumentFile`: the original bytes of one stored file of a document, as
 * uploaded (Kernel Memory's `/download`). The bytes come through the store's
 * own document loader, so how files are stored is decided in one place.
 */
import { NotFoundError } from "../errors.js";
import { loadForProcessing } from "../store/memory-store.js";
import type { Reading } from "./types.js";

export type StoredFile = { fileId: string; name: string; contentType: string; bytes: Uint8Array };

/** `file` is the file's name or its fileId (citations carry both); the document's only file when omitted. */
export async function readDocumentFile(
  ctx: Reading,
  index: string,
  documentId: string,
  file?: string,
): Promise<StoredFile> {
  const doc = await loadForProcessing(ctx.db, index, documentId);
  if (!doc) throw new NotFoundError("document", `${index}/${documentId}`);
  const found =
    file === undefined
      ? doc.files.length === 1
        ? doc.files[0]
        : undefined
      : (doc.files.find((f) => f.name === file) ?? doc.files.find((f) => f.fileId === file));
  if (!found) throw new NotFoundError("file", `${index}/${documentId}/${file ?? "(name required: several files)"}`);
  // Imported pages keep their address, not their bytes: the original lives at sourceUrl.
  if (found.content === null) throw new NotFoundError("stored file", `${index}/${documentId}/${found.name}`);
  return { fileId: found.fileId, name: found.name, contentType: found.contentType, bytes: found.content };
}

/**
 * @module
 * Queues an ingestion job without starting it, as if the upload's own
 * background run never happened: what the queue tests drive by hand.
 * Runs in Node and in workerd.
 */
import type { Db } from "../../lib/db/index.js";
import { DEFAULT_STEPS } from "../../lib/memory/types.js";
import { saveUpload } from "../../lib/store/memory-store.js";

export function enqueueFile(
  db: Db,
  target: { index: string; documentId: string; maxAttempts?: number },
  file: { name: string; contentType: string; body: string | Uint8Array },
) {
  const bytes = typeof file.body === "string" ? new TextEncoder().encode(file.body) : file.body;
  return saveUpload(db, {
    index: target.index,
    documentId: target.documentId,
    tags: {},
    steps: DEFAULT_STEPS,
    files: [
      {
        fileId: file.name,
        name: file.name,
        contentType: file.contentType,
        size: bytes.length,
        sha256: "x",
        bytes,
      },
    ],
    maxAttempts: target.maxAttempts ?? 3,
  });
}

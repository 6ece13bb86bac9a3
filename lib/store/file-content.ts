/**
 * @module
 * Reads a stored file's bytes in slices. Selected whole, a 25 MiB bytea arrives over the pool and HTTP
 * transports as a 50 MiB hex text: the driver's receive buffer, the hex string on the JS heap and the decoded
 * bytes together held about five times the file, and decoding it blocked the event loop for hundreds of
 * milliseconds. A slice at a time, the file is held once (plus one slice), whatever its size.
 */
import type { Db } from "../db/index.js";
import { AppError } from "../errors.js";

/** One slice: 2 MiB of hex on the wire. */
const SLICE_BYTES = 1024 * 1024;

export type StoredFileKey = { index: string; documentId: string; fileId: string; sha256: string; size: number };

/**
 * The file's `size` bytes. Each slice is read only while the row still holds the same file (its sha256): a
 * re-upload replacing it meanwhile cannot splice two versions together; the read fails as a transient error and
 * the job (whose generation is then superseded) is retried or dropped.
 */
export async function readFileContent(db: Db, file: StoredFileKey): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  for (let at = 0; at < file.size; at += SLICE_BYTES) {
    const length = Math.min(SLICE_BYTES, file.size - at);
    const [row] = await db.query<{ part: Uint8Array | null }>(
      `select substring(content from $5 for $6) as part from memory_files
        where index_name = $1 and document_id = $2 and file_id = $3 and sha256 = $4`,
      [file.index, file.documentId, file.fileId, file.sha256, at + 1, length],
    );
    if (!row?.part || row.part.byteLength !== length) {
      throw new AppError("unavailable", `the stored file ${file.fileId} changed while it was being read`);
    }
    bytes.set(row.part, at);
  }
  return bytes;
}

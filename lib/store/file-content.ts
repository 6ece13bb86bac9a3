/**
 * @module
 * A stored file's bytes, written and read in parts of at most `PART_BYTES` (migration 0017): the first part in
 * `memory_files.content`, the others in `memory_file_parts` (1, 2, …). Dropping the bytes (`content = null`)
 * drops the other parts too (a trigger), and replacing or deleting the file deletes them (a cascade).
 *
 * - Written as one bytea value, a 25 MiB upload made the embedded database hold the whole statement, the value
 *   and its compressed copy at once in its WebAssembly memory, which never shrinks (128 → 221 MiB for one
 *   upload, ~185 MB more resident memory). Part by part, no statement carries more than one part.
 * - Selected whole, a 25 MiB bytea arrives over the pool and HTTP transports as a 50 MiB hex text: the driver's
 *   receive buffer, the hex string and the decoded bytes together held about five times the file, and decoding
 *   it blocked the event loop for hundreds of milliseconds. A part at a time, the file is held once (plus one
 *   part), whatever its size.
 */
import type { Db, Statement } from "../db/index.js";
import { AppError } from "../errors.js";

/** One part: 1 MiB (2 MiB of hex on the wire). */
export const PART_BYTES = 1024 * 1024;

export type FileKey = { index: string; documentId: string; fileId: string };
export type StoredFileKey = FileKey & { sha256: string; size: number };

/** What `memory_files.content` stores of `bytes`: its first part. */
export function firstPart(bytes: Uint8Array): Uint8Array {
  return bytes.byteLength <= PART_BYTES ? bytes : bytes.subarray(0, PART_BYTES);
}

/** The statements that store the parts after the first (none for a file of one part), after its memory_files row. */
export function otherPartStatements(file: FileKey, bytes: Uint8Array): Statement[] {
  const statements: Statement[] = [];
  for (let at = PART_BYTES, part = 1; at < bytes.byteLength; at += PART_BYTES, part++) {
    statements.push({
      text: `insert into memory_file_parts (index_name, document_id, file_id, part, bytes)
             values ($1, $2, $3, $4, $5::bytea)`,
      params: [file.index, file.documentId, file.fileId, part, bytes.subarray(at, at + PART_BYTES)],
    });
  }
  return statements;
}

const changed = (file: StoredFileKey) =>
  new AppError("unavailable", `the stored file ${file.fileId} changed while it was being read`);

/**
 * The file's `size` bytes. Each read checks that the row still holds the same file (its sha256): a re-upload
 * replacing it meanwhile cannot splice two versions together; the read fails as a transient error and the job
 * (whose generation is then superseded) is retried or dropped. A first part longer than `PART_BYTES` (a file
 * stored whole, before migration 0017, or by a bulk upload) is read in slices of that size.
 */
export async function readFileContent(db: Db, file: StoredFileKey): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  const key = [file.index, file.documentId, file.fileId, file.sha256];
  let at = 0;
  let firstLength = 1;
  while (at < firstLength && at < file.size) {
    const [row] = await db.query<{ part: Uint8Array | null; length: number | string | null }>(
      `select substring(content from $5 for $6) as part, length(content) as length from memory_files
        where index_name = $1 and document_id = $2 and file_id = $3 and sha256 = $4`,
      [...key, at + 1, PART_BYTES],
    );
    firstLength = Number(row?.length ?? -1);
    const expected = Math.min(PART_BYTES, firstLength - at);
    if (!row?.part || expected <= 0 || row.part.byteLength !== expected || at + expected > file.size) {
      throw changed(file);
    }
    bytes.set(row.part, at);
    at += expected;
  }
  for (let part = 1; at < file.size; part++) {
    const [row] = await db.query<{ part: Uint8Array }>(
      `select p.bytes as part from memory_file_parts p
         join memory_files f using (index_name, document_id, file_id)
        where p.index_name = $1 and p.document_id = $2 and p.file_id = $3 and f.sha256 = $4 and p.part = $5`,
      [...key, part],
    );
    if (!row?.part || row.part.byteLength === 0 || at + row.part.byteLength > file.size) throw changed(file);
    bytes.set(row.part, at);
    at += row.part.byteLength;
  }
  return bytes;
}

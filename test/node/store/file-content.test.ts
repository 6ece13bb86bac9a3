/**
 * A stored file's bytes in parts (lib/store/file-content.ts, migration 0017), on every Node transport (pool, Neon
 * HTTP, the embedded database in its thread): an upload of the maximum size comes back byte for byte, so do a
 * bulk upload's files (a group of documents per statement, big ones in parts), a smaller
 * re-upload replaces every part, dropping the bytes (KEEP_ORIGINAL_FILES=false's `content = null`) drops every
 * part, deleting the document deletes them, a file stored whole before the parts existed still reads back, and a
 * file replaced by other bytes fails the read as a transient error. On the embedded database, storing and reading
 * the maximum upload, or a bulk upload of that size, leaves its WebAssembly memory at its initial size (stored as
 * one bytea value the upload grew it from 128 to 184–221 MiB, the bulk upload as one statement to 265 MiB: memory
 * the process never gets back).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/config/env.js";
import { batchIn, openEmbedded, wasmBytes } from "../../../lib/db/pglite-open.js";
import { createPgliteThreadDb } from "../../../lib/db/pglite-thread.js";
import type { Db } from "../../../lib/db/types.js";
import type { AppError } from "../../../lib/errors.js";
import { migrate } from "../../../lib/migrate/migrate.js";
import { saveBulkUpload } from "../../../lib/store/bulk-upload.js";
import { PART_BYTES, readFileContent } from "../../../lib/store/file-content.js";
import { loadForProcessing, type StoredFile, saveUpload } from "../../../lib/store/memory-store.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { dbConfig, networkDb } from "../../helpers/db-handles.js";

const MAX_UPLOAD_BYTES = parseConfig({}).MAX_UPLOAD_BYTES;
const MiB = 1024 * 1024;

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let dataRoot: string;
const dbs = {} as Record<"pool" | "http" | "pglite", Db>;

beforeAll(async () => {
  database = await createTestDatabase("smfileparts");
  proxy = await startNeonProxy();
  dataRoot = await mkdtemp(path.join(tmpdir(), "sm-file-parts-"));
  dbs.pool = networkDb("pool", proxy.address, dbConfig(database.url));
  dbs.http = networkDb("http", proxy.address, dbConfig(database.url));
  dbs.pglite = createPgliteThreadDb({
    ...dbConfig("unused", { transport: "pglite" }),
    pgliteDir: path.join(dataRoot, "thread"),
  });
  await migrate(dbs.pool);
  await migrate(dbs.pglite);
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(dbs).map((db) => db.close()));
  await proxy?.close();
  await database?.drop();
  await rm(dataRoot, { recursive: true, force: true });
});

function file(bytes: Uint8Array, fileId = "f"): StoredFile {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return {
    fileId,
    name: `${fileId}.bin`,
    contentType: "application/octet-stream",
    size: bytes.byteLength,
    sha256,
    bytes,
  };
}

function upload(db: Db, documentId: string, files: StoredFile[]) {
  return saveUpload(db, {
    index: "parts",
    documentId,
    tags: {},
    steps: ["extract"],
    files,
    maxAttempts: 3,
    textConfig: "simple",
  });
}

async function partsOf(db: Db, documentId: string): Promise<number> {
  const [row] = await db.query<{ n: number | string }>(
    "select count(*)::int as n from memory_file_parts where index_name = 'parts' and document_id = $1",
    [documentId],
  );
  return Number(row!.n);
}

const sha = (bytes: Uint8Array | null | undefined) => createHash("sha256").update(bytes!).digest("hex");

describe.each(["pool", "http", "pglite"] as const)("file bytes in parts over %s", (transport) => {
  it("stores the maximum upload in 1 MiB parts and reads it back byte for byte", async () => {
    const db = dbs[transport];
    const big = randomBytes(MAX_UPLOAD_BYTES);
    const small = new TextEncoder().encode("A note next to it.");
    await upload(db, `${transport}-big`, [file(big, "big"), file(small, "small")]);
    expect(await partsOf(db, `${transport}-big`)).toBe(Math.ceil(MAX_UPLOAD_BYTES / PART_BYTES) - 1);
    const doc = await loadForProcessing(db, "parts", `${transport}-big`);
    const [bigRead, smallRead] = doc!.files;
    expect(bigRead!.content!.byteLength).toBe(MAX_UPLOAD_BYTES);
    expect(sha(bigRead!.content)).toBe(sha(big));
    expect(smallRead!.content).toEqual(new Uint8Array(small));
  }, 120_000);

  it("replaces every part on a re-upload, drops them with the bytes, and deletes them with the document", async () => {
    const db = dbs[transport];
    const id = `${transport}-replaced`;
    await upload(db, id, [file(randomBytes(5 * MiB + 3))]);
    expect(await partsOf(db, id)).toBe(5);
    const second = randomBytes(2 * MiB + 1);
    await upload(db, id, [file(second)]);
    expect(await partsOf(db, id)).toBe(2);
    expect(sha((await loadForProcessing(db, "parts", id))!.files[0]!.content)).toBe(sha(second));

    // KEEP_ORIGINAL_FILES=false: the bytes are dropped by setting content to null, whichever statement does it.
    await db.query("update memory_files set content = null where index_name = 'parts' and document_id = $1", [id]);
    expect(await partsOf(db, id)).toBe(0);
    expect((await loadForProcessing(db, "parts", id))!.files[0]!.content).toBeNull();

    await upload(db, id, [file(randomBytes(3 * MiB))]);
    await db.query("delete from memory_documents where index_name = 'parts' and document_id = $1", [id]);
    expect(await partsOf(db, id)).toBe(0);
  }, 120_000);

  it("stores a bulk upload's files in parts too, a group of documents per statement", async () => {
    const db = dbs[transport];
    // 40 documents of 100 KB (more than one part's worth together), one of 2.5 MiB, one empty.
    const bodies = [
      ...Array.from({ length: 40 }, () => randomBytes(100_000)),
      randomBytes(2.5 * MiB),
      new Uint8Array(0),
    ];
    const rows = bodies.map((bytes, i) => ({
      documentId: `${transport}-bulk-${i}`,
      tags: {},
      steps: ["extract" as const],
      file: file(bytes),
    }));
    const jobs = await saveBulkUpload(db, { index: "parts", textConfig: "simple", maxAttempts: 3, rows });
    expect(jobs.size).toBe(bodies.length);
    expect(await partsOf(db, `${transport}-bulk-40`)).toBe(2);
    for (const [i, bytes] of bodies.entries()) {
      const doc = await loadForProcessing(db, "parts", `${transport}-bulk-${i}`);
      expect(sha(doc!.files[0]!.content), `document ${i}`).toBe(sha(bytes));
    }
  }, 120_000);

  it("reads a file stored whole (before parts existed), and fails the read of a file replaced meanwhile", async () => {
    const db = dbs[transport];
    const id = `${transport}-whole`;
    const whole = randomBytes(3 * MiB + 17);
    const stored = file(whole);
    await upload(db, id, [file(new Uint8Array(0))]);
    await db.query(
      "update memory_files set content = $2::bytea, size = $3, sha256 = $4 where index_name = 'parts' and document_id = $1",
      [id, whole, stored.size, stored.sha256],
    );
    expect(sha((await loadForProcessing(db, "parts", id))!.files[0]!.content)).toBe(sha(whole));

    const key = { index: "parts", documentId: id, fileId: "f", sha256: stored.sha256, size: stored.size };
    await upload(db, id, [file(randomBytes(stored.size))]);
    const error = (await readFileContent(db, key).catch((e: unknown) => e)) as AppError;
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain("changed while it was being read");
  }, 120_000);
});

describe("the embedded database's WebAssembly memory", () => {
  it("stays at its initial size while the maximum upload (or bulk upload) is stored and read back", async () => {
    const embedded = await openEmbedded(path.join(dataRoot, "in-process"));
    const db: Db = {
      transport: "pglite",
      query: async (text, params) => (await embedded.query(text, params as unknown[])).rows as never,
      batch: (statements) => batchIn(embedded, statements),
      stats: () => ({ transport: "pglite" }),
      close: () => embedded.close(),
    };
    try {
      await migrate(db);
      const initial = wasmBytes(embedded);
      for (const [i, bytes] of [
        new TextEncoder().encode("A line of plain text, many times over.\n".repeat(MAX_UPLOAD_BYTES / 39)),
        randomBytes(MAX_UPLOAD_BYTES),
      ].entries()) {
        await upload(db, `wasm-${i}`, [file(bytes)]);
        expect(sha((await loadForProcessing(db, "parts", `wasm-${i}`))!.files[0]!.content)).toBe(sha(bytes));
      }
      // A bulk upload of the maximum size, in documents of 1 MB.
      const bodies = Array.from({ length: Math.floor(MAX_UPLOAD_BYTES / 1e6) }, () => randomBytes(1e6));
      const rows = bodies.map((bytes, i) => ({ documentId: `wasm-bulk-${i}`, tags: {}, steps: [], file: file(bytes) }));
      await saveBulkUpload(db, { index: "parts", textConfig: "simple", maxAttempts: 3, rows });
      expect(sha((await loadForProcessing(db, "parts", "wasm-bulk-7"))!.files[0]!.content)).toBe(sha(bodies[7]));
      expect(initial).toBe(128 * MiB);
      expect(wasmBytes(embedded)).toBe(initial);
    } finally {
      await db.close();
    }
  }, 120_000);
});

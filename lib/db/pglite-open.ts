/**
 * @module
 * Opens the embedded database (PGlite + pgvector) with the settings both of its transports share: the worker
 * thread (`pglite-thread.ts`, the default) and the in-process one (`pglite.ts`, kept to measure against).
 */
import type { Row } from "./types.js";

export type EmbeddedQuery = (text: string, params?: unknown[]) => Promise<{ rows: Row[] }>;

export type Embedded = {
  query: EmbeddedQuery;
  transaction<T>(fn: (tx: { query: EmbeddedQuery }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Emscripten's module: its heap is the database's WebAssembly memory, which grows and never shrinks. */
  mod?: { HEAPU8?: Uint8Array };
};

const BYTEA = 17;

// Same JS values as the pg-based transports: int8 and numeric stay strings, bytea comes back as a Buffer.
// PGlite's own bytea codec goes through one JS number and one 2-character string per byte (Array.from, map,
// join; parseInt per byte back): an 8 MB file took seconds and hundreds of MB of heap each way. Node's hex
// codec does the same in one pass over one string.
const PG_COMPATIBLE_PARSERS = {
  20: (v: string) => v,
  1700: (v: string) => v,
  [BYTEA]: (v: string) => Buffer.from(v.slice(2), "hex"),
};
// A bytea parameter goes in binary: PGlite sends a Uint8Array a serializer returns with the binary format code, so
// the bytes reach Postgres as they are, not as hex text twice their size (in the thread's heap and again in the
// WebAssembly memory, which never shrinks).
const FAST_SERIALIZERS = {
  [BYTEA]: (v: unknown) => {
    // A string is bytea's text input, as the pg driver sends it.
    if (typeof v === "string") return v;
    if (!(v instanceof Uint8Array)) throw new TypeError("a bytea parameter must be a Uint8Array, a Buffer or a string");
    return v;
  },
};

// The embedded database lives in WebAssembly memory, which grows and never shrinks: Postgres' server-sized
// defaults (128 MB shared buffers, 64 MB maintenance_work_mem) made the idle service hold ~520 MiB after a first
// start and ~370 MiB on an existing folder. A one-user "try it" database needs little cache: the OS page cache
// still holds its files. Measured in BENCHMARKS.md (coldstart, embedded).
const SMALL_FOOTPRINT = [
  "shared_buffers = 16MB",
  "wal_buffers = 1MB",
  "maintenance_work_mem = 16MB",
  "work_mem = 4MB",
  "temp_buffers = 1MB",
];

/** The database in `dir` (created when missing), or in memory when `dir` is absent. */
export async function openEmbedded(dir: string | undefined): Promise<Embedded> {
  const [{ PGlite }, { vector }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-pgvector"),
  ]);
  if (dir) {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(dir, { recursive: true });
  }
  return (await PGlite.create(dir ?? "memory://", {
    extensions: { vector },
    parsers: PG_COMPATIBLE_PARSERS,
    // Typed as returning strings; its bind (protocol serializer) sends an ArrayBuffer view as a binary value.
    // test/node/db/pglite-thread.test.ts pins the bytes that come back.
    serializers: FAST_SERIALIZERS as unknown as Record<number, (value: unknown) => string>,
    postgresqlconf: SMALL_FOOTPRINT,
  })) as unknown as Embedded;
}

/** Bytes of WebAssembly memory the database holds now (its high-water mark: the memory never shrinks). */
export function wasmBytes(db: Embedded): number {
  return db.mod?.HEAPU8?.byteLength ?? 0;
}

/** Runs `statements` as one transaction: all commit or none do. */
export function batchIn(db: Embedded, statements: readonly { text: string; params?: readonly unknown[] }[]) {
  return db.transaction(async (tx) => {
    const results: Row[][] = [];
    for (const s of statements) results.push((await tx.query(s.text, s.params as unknown[])).rows);
    return results;
  });
}

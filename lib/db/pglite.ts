/**
 * @module
 * The `pglite` transport: an embedded Postgres (PGlite + pgvector) so the
 * service runs with no database server at all. Node only; one instance per
 * process, created lazily, data kept in a folder across restarts.
 */
import type { DbConfig } from "./config.js";
import type { Db, Row } from "./types.js";

type Embedded = {
  query(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  transaction<T>(
    fn: (tx: { query(text: string, params?: unknown[]): Promise<{ rows: Row[] }> }) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
};

// Same JS values as the pg-based transports: int8 and numeric stay strings.
const PG_COMPATIBLE_PARSERS = { 20: (v: string) => v, 1700: (v: string) => v };

// The embedded database lives in this process's WebAssembly memory, which grows and never shrinks: Postgres'
// server-sized defaults (128 MB shared buffers, 64 MB maintenance_work_mem) made the idle service hold ~520 MiB
// after a first start and ~370 MiB on an existing folder. A one-user "try it" database needs little cache: the OS
// page cache still holds its files. Measured in BENCHMARKS.md (coldstart).
const SMALL_FOOTPRINT = [
  "shared_buffers = 16MB",
  "wal_buffers = 1MB",
  "maintenance_work_mem = 16MB",
  "work_mem = 4MB",
  "temp_buffers = 1MB",
];

export function createPgliteDb(config: DbConfig): Db {
  let opened: Promise<Embedded> | undefined;
  const open = () => {
    opened ??= (async () => {
      const [{ PGlite }, { vector }] = await Promise.all([
        import("@electric-sql/pglite"),
        import("@electric-sql/pglite-pgvector"),
      ]);
      if (config.pgliteDir) {
        const { mkdir } = await import("node:fs/promises");
        await mkdir(config.pgliteDir, { recursive: true });
      }
      return (await PGlite.create(config.pgliteDir ?? "memory://", {
        extensions: { vector },
        parsers: PG_COMPATIBLE_PARSERS,
        postgresqlconf: SMALL_FOOTPRINT,
      })) as unknown as Embedded;
    })();
    return opened;
  };
  return {
    transport: "pglite",
    query: async <T extends Row = Row>(text: string, params?: readonly unknown[]) =>
      (await (await open()).query(text, params as unknown[])).rows as T[],
    batch: async (statements) => {
      const pg = await open();
      return pg.transaction(async (tx) => {
        const results: Row[][] = [];
        for (const s of statements) results.push((await tx.query(s.text, s.params as unknown[])).rows);
        return results;
      });
    },
    stats: () => ({ transport: "pglite" }),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}

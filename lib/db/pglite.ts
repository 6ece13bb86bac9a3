/**
 * @module
 * The embedded database run in-process, on the caller's thread. Not the default: its queries, WAL writes and
 * migrations are synchronous WebAssembly that block the event loop (an 8 MB ingest held `/health` for seconds).
 * Kept behind `PGLITE_THREAD=false` so the benchmark can measure the worker-thread transport
 * (`pglite-thread.ts`) against it in one run. One instance per process, created lazily.
 */
import type { DbConfig } from "./config.js";
import { batchIn, type Embedded, openEmbedded } from "./pglite-open.js";
import type { Db, Row } from "./types.js";

export function createPgliteDb(config: DbConfig): Db {
  let opened: Promise<Embedded> | undefined;
  const open = () => {
    opened ??= openEmbedded(config.pgliteDir);
    return opened;
  };
  return {
    transport: "pglite",
    query: async <T extends Row = Row>(text: string, params?: readonly unknown[]) =>
      (await (await open()).query(text, params as unknown[])).rows as T[],
    batch: async (statements) => batchIn(await open(), statements),
    stats: () => ({ transport: "pglite" }),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}

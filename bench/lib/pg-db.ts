/**
 * @module
 * A `Db` over plain `pg` (direct TCP, no proxy): the floor the benchmarks compare the service against, and the
 * same wire LangChain's `PGVectorStore` uses, so ingest compares pipelines and not transports.
 */
import pg from "pg";
import type { Db, Row } from "../../lib/db/types.js";

export function createPgDb(
  url: string,
  options: { max?: number; applicationName?: string } = {},
): Db & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    application_name: options.applicationName ?? "sm-bench-pg",
  });
  pool.on("error", () => {});
  return {
    pool,
    transport: "pool",
    query: async <T extends Row = Row>(text: string, params?: readonly unknown[]) =>
      (await pool.query(text, params as unknown[])).rows as T[],
    batch: async (statements) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const results: Row[][] = [];
        for (const s of statements) results.push((await client.query(s.text, s.params as unknown[])).rows);
        await client.query("COMMIT");
        return results;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    stats: () => ({ transport: "pool" }),
    close: () => pool.end(),
  };
}

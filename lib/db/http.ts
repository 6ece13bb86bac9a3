/**
 * @module
 * The `http` transport: Neon's `neon()` query function over fetch, for Workers.
 * It holds no socket, so one module-scope instance is safe across requests
 * (a socket pool is not: workerd forbids I/O on behalf of another request).
 * `batch` is `sql.transaction([...])`: one atomic, non-interactive round trip.
 */
import { neon } from "@neondatabase/serverless";
import type { DbConfig } from "./config.js";
import { DatabaseConfigError } from "./errors.js";
import { useLocalNeonProxy } from "./local-proxy.js";
import { withRetry } from "./retry.js";
import type { Db, Row } from "./types.js";

export function createHttpDb(config: DbConfig): Db {
  if (!config.url) throw new DatabaseConfigError("DATABASE_URL is required for the http transport");
  if (config.localProxy) useLocalNeonProxy(config.localProxy);
  const sql = neon(withApplicationName(config.url, config.applicationName), { fullResults: true });
  return {
    transport: "http",
    query: <T extends Row = Row>(text: string, params?: readonly unknown[]) =>
      withRetry(async () => (await sql.query(text, params as unknown[])).rows as T[], config.retry),
    batch: (statements) =>
      withRetry(async () => {
        if (statements.length === 0) return [];
        const results = await sql.transaction(statements.map((s) => sql.query(s.text, s.params as unknown[])));
        return results.map((r) => r.rows as Row[]);
      }, config.retry),
    stats: () => ({ transport: "http" }),
    close: async () => {},
  };
}

function withApplicationName(url: string, name: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has("application_name")) parsed.searchParams.set("application_name", name);
    return parsed.toString();
  } catch {
    throw new DatabaseConfigError("DATABASE_URL is not a valid connection URL");
  }
}

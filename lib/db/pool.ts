/**
 * @module
 * The `pool` transport: a Neon `Pool` over WebSocket for Node runtimes (server,
 * Lambda, Vercel). Bounded, with idle and connect timeouts; an idle client's
 * failure is logged and dropped, never thrown into the process.
 */
import { neonConfig, Pool, type PoolClient } from "@neondatabase/serverless";
import { log } from "../log/logger.js";
import type { DbConfig } from "./config.js";
import { DatabaseConfigError } from "./errors.js";
import { gated } from "./gate.js";
import { useLocalNeonProxy } from "./local-proxy.js";
import { withRetry } from "./retry.js";
import { isTransient } from "./transient.js";
import type { Db, Row, Statement } from "./types.js";

/**
 * Sees every pool created (once per handle). Hosts that manage instance suspension pass one, e.g. Vercel's
 * `attachDatabasePool`.
 */
export type PoolHook = (pool: Pool) => void;

export function createPoolDb(config: DbConfig, onPool?: PoolHook): Db {
  if (!config.url) throw new DatabaseConfigError("DATABASE_URL is required for the pool transport");
  if (!neonConfig.webSocketConstructor && typeof WebSocket === "undefined") {
    throw new DatabaseConfigError("no WebSocket implementation: open pools through nodeTransports() on Node 20");
  }
  if (config.localProxy) useLocalNeonProxy(config.localProxy);
  const pool = new Pool({
    connectionString: config.url,
    max: config.poolMax,
    idleTimeoutMillis: config.idleTimeoutMs,
    connectionTimeoutMillis: config.connectTimeoutMs,
    application_name: config.applicationName,
  });
  pool.on("error", (err: Error) => {
    log.warn("db.pool.idle_client_error", { error: err, code: (err as { code?: string }).code });
  });
  onPool?.(pool);

  const inTransaction = async (client: PoolClient, statements: readonly Statement[]) => {
    await client.query("BEGIN");
    const results: Row[][] = [];
    for (const s of statements) results.push((await sendStatement(client, s)).rows);
    await client.query("COMMIT");
    return results;
  };

  const db: Db = {
    transport: "pool",
    query: <T extends Row = Row>(text: string, params?: readonly unknown[]) =>
      withRetry(async () => (await pool.query(text, params as unknown[])).rows as T[], config.retry),
    batch: (statements) =>
      withRetry(async () => {
        if (statements.length === 0) return [];
        let broken: Error | undefined;
        // A checked-out client has no pool listener: a server-side termination arriving
        // between two statements must mark it broken, not crash the process.
        const onError = (err: Error) => {
          broken = err;
          log.warn("db.pool.client_error", { code: (err as { code?: string }).code, error: err });
        };
        const client = await connectListening(pool, onError);
        try {
          return await inTransaction(client, statements);
        } catch (err) {
          broken = isTransient(err) ? (err as Error) : undefined;
          if (!broken) await client.query("ROLLBACK").catch((e: Error) => (broken = e));
          throw err;
        } finally {
          client.off("error", onError);
          // A client whose connection failed is destroyed, not handed to the next caller.
          client.release(broken);
        }
      }, config.retry),
    stats: () => ({
      transport: "pool",
      pool: { max: config.poolMax, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount },
    }),
    close: () => pool.end(),
  };
  return config.queueWaitMs ? gated(db, { slots: config.poolMax, maxWaitMs: config.queueWaitMs }) : db;
}

/** A bytea parameter this large (an uploaded file) is sent without write coalescing, see `sendStatement`. */
const LARGE_PARAM_BYTES = 256 * 1024;

/**
 * The driver coalesces the messages of one query (Parse, Bind, Describe, Execute, Sync) into one WebSocket frame
 * by concatenating each onto the ones before: a Bind carrying a 25 MiB file was copied four more times, and the
 * copies of ten concurrent uploads took the server past 1 GiB. For such a statement this client sends each
 * message as its own frame (the client's own setting, `client.neonConfig`); small statements keep coalescing.
 */
async function sendStatement(client: PoolClient, s: Statement) {
  const large = s.params?.some((p) => p instanceof Uint8Array && p.byteLength >= LARGE_PARAM_BYTES);
  if (!large) return client.query(s.text, s.params as unknown[]);
  const coalesce = client.neonConfig.coalesceWrites;
  client.neonConfig.coalesceWrites = false;
  try {
    return await client.query(s.text, s.params as unknown[]);
  } finally {
    client.neonConfig.coalesceWrites = coalesce;
  }
}

/**
 * `pool.connect()` with `onError` attached inside the pool's callback, in the same tick as the checkout.
 * With `await pool.connect()` the listener would come a microtask later, while the driver keeps parsing
 * the frames already received: a 57P01 that arrives with the ReadyForQuery that freed the client was
 * then emitted with no listener at all, an uncaught exception that ends the process.
 */
function connectListening(pool: Pool, onError: (err: Error) => void): Promise<PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((err, client) => {
      if (err || !client) return reject(err ?? new Error("the pool returned no client"));
      client.on("error", onError);
      resolve(client);
    });
  });
}

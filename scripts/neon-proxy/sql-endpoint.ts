/**
 * @module
 * Neon's HTTP query protocol (`POST /sql`) backed by `pg`, shaped after what `neon()` in
 * `@neondatabase/serverless` sends and parses: `{query, params}` or a `{queries: [...]}` batch in, and out
 * `{command, rowCount, rows, fields, rowAsArray}` (a batch wraps these in `{results}`); failures are HTTP 400
 * with `{message, code, detail, ...}`, the only status from which the driver builds a `NeonDbError` with fields.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { isLoopbackHost } from "./loopback";

/** Backends the proxy opens per connection string, however many HTTP queries arrive at once. */
export const POOL_MAX = 10;

const ISOLATION: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

// The fields the driver copies from an error response onto NeonDbError.
const ERROR_FIELDS = (
  "severity code detail hint position internalPosition internalQuery where schema table column dataType " +
  "constraint file line routine"
).split(" ");

// Identity parsers leave values in Postgres text format: the driver runs its own parsers, keyed on dataTypeID.
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "*",
  "access-control-allow-methods": "POST, OPTIONS",
};

interface Query {
  query: string;
  params?: unknown[];
}
interface Mode {
  arrayMode: boolean;
  rawText: boolean;
}

export interface SqlEndpoint {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

export function createSqlEndpoint(): SqlEndpoint {
  const pools = new Map<string, pg.Pool>();

  function poolFor(connectionString: string | undefined): pg.Pool {
    const url = URL.canParse(connectionString ?? "") ? new URL(connectionString!) : undefined;
    if (!url) throw new Error("Neon-Connection-String header is missing or not a URL");
    if (!isLoopbackHost(url.hostname)) throw new Error(`refused: ${url.hostname} is not a loopback host`);
    // Neon ends TLS at its edge; a real connection string's sslmode=require would fail against local Postgres.
    url.searchParams.set("sslmode", "disable");
    let pool = pools.get(url.href);
    if (!pool) {
      pool = new pg.Pool({
        connectionString: url.href,
        max: POOL_MAX,
        idleTimeoutMillis: 10_000,
        connectionTimeoutMillis: 30_000,
      });
      // An idle backend that dies (pg_terminate_backend, restart) is dropped by the pool; unheard, it would crash us.
      pool.on("error", () => {});
      pools.set(url.href, pool);
    }
    return pool;
  }

  return {
    async handle(req, res) {
      let status = 200;
      let body: unknown;
      try {
        const input = JSON.parse(await readBody(req)) as Query | { queries: Query[] };
        const mode = {
          arrayMode: header(req, "neon-array-mode") === "true",
          rawText: header(req, "neon-raw-text-output") === "true",
        };
        const pool = poolFor(header(req, "neon-connection-string"));
        if ("queries" in input) {
          const begin = beginStatement(req);
          body = { results: await withClient(pool, (c) => runBatch(c, input.queries, begin, mode)) };
        } else {
          body = await withClient(pool, (c) => runQuery(c, input, mode));
        }
      } catch (err) {
        status = 400;
        body = errorBody(err);
      }
      res.writeHead(status, { ...CORS_HEADERS, "content-type": "application/json" });
      res.end(JSON.stringify(body));
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}

async function withClient<T>(pool: pg.Pool, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect().catch((err: Error & { code?: string }) => {
    // Refused or timed-out connects carry no SQLSTATE; give them connection_failure so callers can still branch.
    throw /^[0-9A-Z]{5}$/.test(err.code ?? "") ? err : Object.assign(err, { code: "08006" });
  });
  // A backend killed between statements makes a checked-out client emit 'error', which would crash the proxy.
  const ignore = () => {};
  client.on("error", ignore);
  let fatal: Error | undefined;
  try {
    return await run(client);
  } catch (err) {
    // FATAL (e.g. 57P01) arrives before the socket closes, so the client still looks healthy: discard it ourselves.
    if ((err as { severity?: string }).severity !== "ERROR") fatal = err as Error;
    throw err;
  } finally {
    client.off("error", ignore);
    client.release(fatal);
  }
}

async function runBatch(client: pg.PoolClient, queries: Query[], begin: string, mode: Mode) {
  if (!Array.isArray(queries)) throw new Error("queries must be an array");
  await client.query(begin);
  try {
    const results = [];
    for (const query of queries) results.push(await runQuery(client, query, mode));
    await client.query("COMMIT");
    return results;
  } catch (err) {
    // ROLLBACK only fails when the connection is gone, and then the pool discards the client anyway.
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

async function runQuery(client: pg.PoolClient, { query, params }: Query, mode: Mode) {
  if (typeof query !== "string") throw new Error("query must be a string");
  const result = await client.query({
    text: query,
    values: params ?? [],
    // Neon runs every query as a prepared statement, so multi-statement strings fail here as they do there.
    queryMode: "extended",
    ...(mode.arrayMode && { rowMode: "array" as const }),
    ...(mode.rawText && { types: RAW_TEXT }),
  } as pg.QueryConfig);
  const { command, rowCount, rows, fields } = result;
  return { command, rowCount, rows, fields, rowAsArray: mode.arrayMode };
}

function beginStatement(req: IncomingMessage): string {
  const modes: string[] = [];
  const level = header(req, "neon-batch-isolation-level");
  if (level !== undefined) {
    if (!ISOLATION[level]) throw new Error(`unknown Neon-Batch-Isolation-Level: ${level}`);
    modes.push(`ISOLATION LEVEL ${ISOLATION[level]}`);
  }
  const readOnly = header(req, "neon-batch-read-only");
  if (readOnly !== undefined) modes.push(readOnly === "true" ? "READ ONLY" : "READ WRITE");
  const deferrable = header(req, "neon-batch-deferrable");
  if (deferrable !== undefined) modes.push(deferrable === "true" ? "DEFERRABLE" : "NOT DEFERRABLE");
  return ["BEGIN", modes.join(", ")].join(" ").trim();
}

function errorBody(err: unknown): Record<string, unknown> {
  const source = (typeof err === "object" && err !== null ? err : {}) as Record<string, unknown>;
  const body: Record<string, unknown> = { message: err instanceof Error ? err.message : String(err) };
  for (const field of ERROR_FIELDS) if (source[field] !== undefined) body[field] = source[field];
  return body;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

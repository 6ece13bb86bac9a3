/**
 * @module
 * The `hyperdrive` transport for Workers: `pg` over `cloudflare:sockets` to the
 * binding's connection string. Hyperdrive is the pool (at Cloudflare's edge);
 * what this isolate keeps once is only the configuration derived from the
 * binding. The TCP client itself is per invocation: workerd ties a socket to
 * the request that opened it, and a later request touching it hangs or throws
 * "Cannot perform I/O on behalf of a different request" (measured, DESIGN.md).
 * So inside a request scope (lib/db/request-scope.ts) the first statement
 * opens the invocation's client, later statements reuse it one at a time, and
 * the scope ends it through `waitUntil` when the invocation is done. Outside a
 * scope (a test calling the store directly) each operation opens and ends its
 * own client.
 */
import pg from "pg";
import { WorkersSocket } from "./cloudflare-socket.js";
import type { DbConfig } from "./config.js";
import { DatabaseConfigError, DatabaseUnavailable } from "./errors.js";
import { currentScope } from "./request-scope.js";
import { withRetry } from "./retry.js";
import { isTransient, sqlStateOf } from "./transient.js";
import type { Db, Row, Statement } from "./types.js";

/** As DB_STATEMENT_TIMEOUT_MS's default: longer than any statement this service issues takes on a healthy database. */
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** One invocation's client. Operations take turns: a batch's BEGIN…COMMIT must not interleave with another query. */
class Connection {
  broken = false;
  private connected = false;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly pg: pg.Client;
  private readonly client: Promise<pg.Client>;

  constructor(private readonly config: DbConfig) {
    const client = new pg.Client({
      connectionString: config.url,
      application_name: config.applicationName,
      connectionTimeoutMillis: config.connectTimeoutMs,
      // Hyperdrive terminates TLS at the edge; the hop from the Worker to it is its own socket.
      stream: () => new WorkersSocket(false) as never,
    });
    // An error on an idle client (its backend terminated) is emitted, not thrown: unheard, it would end the invocation.
    client.on("error", () => {
      this.broken = true;
    });
    this.pg = client;
    this.client = client.connect().then(() => {
      this.connected = true;
      return client;
    });
  }

  /**
   * Runs `use` once the operations before it are done, within the statement deadline. A pooler may hold a
   * statement without an answer (queued for a server it cannot log in to) and a closed socket may never say so;
   * past the deadline the client is abandoned as broken and the caller gets a 503-mapped `DatabaseUnavailable`.
   */
  exclusive<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.withinDeadline(async () => use(await this.client)));
    this.tail = run.catch(() => {});
    return run;
  }

  private withinDeadline<T>(work: () => Promise<T>): Promise<T> {
    const ms = this.config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.broken = true;
        const phase = this.connected ? "to a statement" : "while connecting";
        const cause = new Error(`no answer from the database ${phase} within ${ms} ms`);
        reject(new DatabaseUnavailable(undefined, Math.max(1, Math.ceil(ms / 1000)), { cause }));
      }, ms);
    });
    return Promise.race([work(), late]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    // A broken client may still hold an operation that will never settle: end it now rather than after it.
    if (!this.broken) await this.tail;
    // end() can throw synchronously on a socket that never opened, and waits for a close that a failed socket may
    // never report: bounded like a statement.
    await this.withinDeadline(() => Promise.resolve().then(() => this.pg.end())).catch(() => {});
  }
}

async function inTransaction(client: pg.Client, statements: readonly Statement[]): Promise<Row[][]> {
  await client.query("BEGIN");
  try {
    const results: Row[][] = [];
    for (const s of statements) results.push((await client.query(s.text, s.params as unknown[])).rows);
    await client.query("COMMIT");
    return results;
  } catch (err) {
    if (sqlStateOf(err) && !isTransient(err)) await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

export function createHyperdriveDb(config: DbConfig): Db {
  if (!config.url) {
    throw new DatabaseConfigError("the hyperdrive transport needs a HYPERDRIVE binding (or DATABASE_URL)");
  }
  // The scope keys this handle's connection by this object: one client per handle per invocation.
  const owner = {};

  const withClient = <T>(use: (client: pg.Client) => Promise<T>): Promise<T> => {
    const scope = currentScope();
    if (!scope) {
      const single = new Connection(config);
      return single.exclusive(use).finally(() => single.close());
    }
    return scope.hold(async () => {
      const connection = scope.resource(owner, () => new Connection(config));
      try {
        return await connection.exclusive(use);
      } catch (err) {
        // A statement error leaves the session usable; anything else (no SQLSTATE, a termination) does not.
        if (connection.broken || !sqlStateOf(err) || isTransient(err)) scope.drop(owner, connection);
        throw err;
      }
    });
  };

  return {
    transport: "hyperdrive",
    query: <T extends Row = Row>(text: string, params?: readonly unknown[]) =>
      withRetry(
        () => withClient(async (client) => (await client.query(text, params as unknown[])).rows as T[]),
        config.retry,
      ),
    batch: (statements) =>
      withRetry(
        () =>
          statements.length === 0 ? Promise.resolve([]) : withClient((client) => inTransaction(client, statements)),
        config.retry,
      ),
    stats: () => ({ transport: "hyperdrive" }),
    // Sockets belong to invocations and close with them; the handle itself holds none.
    close: async () => {},
  };
}

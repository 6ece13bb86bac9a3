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
import { DatabaseConfigError } from "./errors.js";
import { currentScope } from "./request-scope.js";
import { withRetry } from "./retry.js";
import { isTransient, sqlStateOf } from "./transient.js";
import type { Db, Row, Statement } from "./types.js";

/** One invocation's client. Operations take turns: a batch's BEGIN…COMMIT must not interleave with another query. */
class Connection {
  broken = false;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly client: Promise<pg.Client>;

  constructor(config: DbConfig) {
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
    this.client = client.connect().then(() => client);
  }

  exclusive<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => use(await this.client));
    this.tail = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    await this.tail;
    const client = await this.client.catch(() => undefined);
    await client?.end().catch(() => {});
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

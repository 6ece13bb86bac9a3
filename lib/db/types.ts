/**
 * @module
 * The one database interface every store uses. Its transports (Neon `Pool` over
 * WebSocket on Node, Neon `neon()` over fetch on Workers, embedded PGlite) hide
 * behind it, so stores never know which runtime they run on.
 */

export type Transport = "pool" | "http" | "pglite" | "hyperdrive";

export type Row = Record<string, unknown>;

export type Statement = { text: string; params?: readonly unknown[] };

export type PoolStats = { max: number; total: number; idle: number; waiting: number };

/** How an instance's reads were served when a read replica is configured (`read-replica.ts`). */
export type ReadStats = {
  replica: number;
  primary: number;
  /** Reads sent to the primary because the replica had not replayed the primary's position in time. */
  lagged: number;
  /** Reads the replica failed and the primary answered. */
  failedOver: number;
  replicaDown: boolean;
  replicaPool?: PoolStats;
};

export type DbStats = { transport: Transport; pool?: PoolStats; reads?: ReadStats };

export interface Db {
  readonly transport: Transport;
  /** One statement; rows as objects keyed by column name. */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Several statements as one atomic transaction: all commit or none do. Not
   * interactive on purpose, so Workers never need a request-scoped socket.
   */
  batch(statements: readonly Statement[]): Promise<Row[][]>;
  stats(): DbStats;
  close(): Promise<void>;
  /**
   * One-off setup (migrations on a new database) has finished. A transport whose memory only grows (the embedded
   * database's WebAssembly memory) starts afresh once idle, so the service does not carry that work's memory.
   */
  settled?(): void;
}

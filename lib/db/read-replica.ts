/**
 * @module
 * Reads that may run on a read replica (`DATABASE_READ_URL`) without ever showing a caller less than the
 * primary had committed when the read began. Each read first takes the primary's WAL position (one tiny
 * statement, no table access), then waits — at most `maxWaitMs` — until the replica has replayed that far,
 * and only then runs there. A replica that lags longer, or fails, costs the caller nothing but a detour:
 * the read runs on the primary. So a document whose status said `completed` is found by the next search
 * even while the replica's replay is paused. A failing replica is skipped for `cooldownMs`, so an outage
 * costs one failed attempt per cooldown, not one per request.
 *
 * Writes never come here: stores that write take the primary handle.
 */
import { log } from "../log/logger.js";
import { DatabaseUnavailable } from "./errors.js";
import { isTransient, sqlStateOf } from "./transient.js";
import type { Db, ReadStats, Row, Statement } from "./types.js";

export type ReadRouting = {
  /** Longest wait for the replica to replay the primary's position before reading from the primary. */
  maxWaitMs: number;
  /** After a replica failure, reads go straight to the primary for this long. */
  cooldownMs: number;
};

const POLL_MS = [5, 10, 20, 40, 80];

export function createReadDb(primary: Db, replica: Db, routing: ReadRouting): Db {
  let downUntil = 0;
  const counts = { replica: 0, primary: 0, lagged: 0, failedOver: 0 };

  const onPrimary = <T>(run: (db: Db) => Promise<T>) => {
    counts.primary++;
    return run(primary);
  };

  const read = async <T>(run: (db: Db) => Promise<T>): Promise<T> => {
    if (Date.now() < downUntil) return onPrimary(run);
    const [fence] = await primary.query<{ lsn: string }>("select pg_current_wal_lsn()::text as lsn");
    try {
      if (!(await replayed(replica, fence!.lsn, routing.maxWaitMs))) {
        counts.lagged++;
        return onPrimary(run);
      }
      const result = await run(replica);
      counts.replica++;
      return result;
    } catch (err) {
      // Unreachable or restarting: skip it for a while. Anything else (a recovery conflict cancelled the
      // statement, an error the primary would give too) is answered by the primary this once.
      if (err instanceof DatabaseUnavailable || isTransient(err)) downUntil = Date.now() + routing.cooldownMs;
      counts.failedOver++;
      log.warn("db.replica.failed_over", { code: sqlStateOf(err) ?? (err as DatabaseUnavailable).code, error: err });
      return onPrimary(run);
    }
  };

  return {
    transport: primary.transport,
    query: <T extends Row = Row>(text: string, params?: readonly unknown[]) => read((db) => db.query<T>(text, params)),
    batch: (statements: readonly Statement[]) => read((db) => db.batch(statements)),
    stats: () => {
      const reads: ReadStats = { ...counts, replicaDown: Date.now() < downUntil };
      const pool = replica.stats().pool;
      return { ...primary.stats(), reads: pool ? { ...reads, replicaPool: pool } : reads };
    },
    // The primary is the instance's write handle and is closed with it.
    close: () => replica.close(),
  };
}

/** True once `db` has replayed the WAL up to `lsn` (a database that is not a standby always has). */
async function replayed(db: Db, lsn: string, maxWaitMs: number): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  for (let attempt = 0; ; attempt++) {
    const [row] = await db.query<{ ok: boolean }>(
      "select not pg_is_in_recovery() or pg_last_wal_replay_lsn() >= $1::pg_lsn as ok",
      [lsn],
    );
    if (row?.ok) return true;
    const pause = POLL_MS[Math.min(attempt, POLL_MS.length - 1)]!;
    if (Date.now() + pause > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

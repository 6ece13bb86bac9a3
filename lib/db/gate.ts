/**
 * @module
 * A bound on how long a statement may wait for a free pooled connection. Without it, requests past the pool's
 * capacity queue for as long as the load lasts (p99 20 s at concurrency 200); with it, a request that cannot get
 * a connection within `maxWaitMs` fails with `PoolBusy`, which the API answers 503 + Retry-After, and the
 * requests that did get one keep their latency. It holds exactly as many permits as the pool has connections,
 * so the pool itself never queues.
 *
 * The bound sheds requests, not accepted work: ingestion jobs and source syncs run inside `background()` and
 * wait for their turn however long it takes (a job that failed with PoolBusy would wait out its lease before
 * anyone retried it; a source's first sync would not be retried for minutes).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { PoolBusy } from "./errors.js";

const backgroundWork = new AsyncLocalStorage<true>();

/** Runs `work` so that its statements wait for a pool slot without the shedding bound. */
export function background<T>(work: () => Promise<T>): Promise<T> {
  return backgroundWork.run(true, work);
}

import type { Db } from "./types.js";

export function gated(db: Db, options: { slots: number; maxWaitMs: number }): Db {
  let free = options.slots;
  const waiting: Array<{ grant(): void }> = [];

  const acquire = (): Promise<void> => {
    if (free > 0) {
      free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      if (backgroundWork.getStore()) {
        waiting.push(waiter);
        return;
      }
      timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(waiter), 1);
        reject(new PoolBusy(Math.max(1, Math.ceil(options.maxWaitMs / 1000))));
      }, options.maxWaitMs);
      waiting.push(waiter);
    });
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next.grant();
    else free++;
  };
  const withPermit = async <T>(run: () => Promise<T>): Promise<T> => {
    await acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };

  return {
    transport: db.transport,
    query: (text, params) => withPermit(() => db.query(text, params)),
    batch: (statements) => withPermit(() => db.batch(statements)),
    stats: () => {
      const stats = db.stats();
      return stats.pool ? { ...stats, pool: { ...stats.pool, waiting: stats.pool.waiting + waiting.length } } : stats;
    },
    close: () => db.close(),
  };
}

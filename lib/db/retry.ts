/**
 * @module
 * Bounded retries for transient database failures: full-jitter exponential
 * backoff inside a time budget, then `DatabaseUnavailable`. Every write the
 * stores issue is idempotent (upserts keyed by content hashes, atomic batches),
 * so replaying a statement whose connection dropped mid-flight is safe.
 */
import { DatabaseError, DatabaseUnavailable } from "./errors.js";
import { isTransient, messageOf, sqlStateOf } from "./transient.js";

export type RetryPolicy = {
  /** Total time spent waiting between attempts, at most. */
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { budgetMs: 2_000, baseDelayMs: 50, maxDelayMs: 800 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(run: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isTransient(err)) throw asDatabaseError(err);
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      const delay = Math.ceil(Math.random() * ceiling);
      if (waited + delay > policy.budgetMs) {
        throw new DatabaseUnavailable(sqlStateOf(err), retryAfterSeconds(policy), { cause: err });
      }
      waited += delay;
      await sleep(delay);
    }
  }
}

function retryAfterSeconds(policy: RetryPolicy): number {
  return Math.max(1, Math.ceil(policy.budgetMs / 1000));
}

function asDatabaseError(err: unknown): Error {
  if (err instanceof DatabaseError || err instanceof DatabaseUnavailable) return err;
  return new DatabaseError(messageOf(err), sqlStateOf(err), { cause: err });
}

/**
 * @module
 * Database errors without HTTP: the edge maps `DatabaseUnavailable` to 503 +
 * Retry-After and everything else to an opaque 500.
 */

/** A statement failed; `code` is the SQLSTATE when Postgres gave one. */
export class DatabaseError extends Error {
  override readonly name = "DatabaseError";
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Transient failures outlasted the retry budget; the caller may try again later. */
export class DatabaseUnavailable extends Error {
  override readonly name = "DatabaseUnavailable";
  constructor(
    readonly code: string | undefined,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(`database unavailable${code ? ` (SQLSTATE ${code})` : ""}; retry later`, options);
  }
}

/** Configuration that cannot work, found before any query runs. */
export class DatabaseConfigError extends Error {
  override readonly name = "DatabaseConfigError";
}

/** Every pooled connection stayed busy for the longest allowed wait (`DB_QUEUE_WAIT_MS`): shed, retry later. */
export class PoolBusy extends Error {
  override readonly name = "PoolBusy";
  constructor(readonly retryAfterSeconds: number) {
    super("every database connection of this instance is busy; retry later");
  }
}

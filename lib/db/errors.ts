/**
 * @module
 * Database errors without HTTP: `DatabaseUnavailable` is the `unavailable`
 * kind (the HTTP edge adds its Retry-After); a failed statement is not an
 * AppError, so every edge treats it as unexpected.
 */
import { AppError } from "../errors.js";

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
export class DatabaseUnavailable extends AppError {
  override readonly name = "DatabaseUnavailable";
  constructor(
    readonly code: string | undefined,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super("unavailable", `database unavailable${code ? ` (SQLSTATE ${code})` : ""}; retry later`, options);
  }
}

/** Configuration that cannot work, found before any query runs. */
export class DatabaseConfigError extends AppError {
  override readonly name = "DatabaseConfigError";
  constructor(message: string) {
    super("misconfigured", message);
  }
}

/** Every pooled connection stayed busy for the longest allowed wait (`DB_QUEUE_WAIT_MS`): shed, retry later. */
export class PoolBusy extends AppError {
  override readonly name = "PoolBusy";
  constructor(readonly retryAfterSeconds: number) {
    super("unavailable", "every database connection of this instance is busy; retry later");
  }
}

/**
 * The embedded database's worker thread stopped (crashed, or its WebAssembly runtime failed) while a statement
 * was in flight. The next statement starts a new thread on the same folder; this one may be retried.
 */
export class EmbeddedDatabaseStopped extends DatabaseUnavailable {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(undefined, 1, options);
    this.message = `the embedded database thread stopped (${reason}); it restarts on the next statement; retry later`;
  }
}

/**
 * The embedded database's thread answered with rows this thread cannot read (a jsonb value nested past what V8
 * deserialises on this thread's stack), or could not read the statement it was sent. Permanent: the same row
 * fails the same way, so a job reading it fails now instead of retrying until its attempts run out.
 */
export class EmbeddedAnswerUnreadable extends AppError {
  override readonly name = "EmbeddedAnswerUnreadable";
  constructor(what: string, reason: string) {
    super(
      "unprocessable",
      `${what} could not cross the embedded database's thread boundary (${reason}); a stored value is nested too deeply`,
    );
  }
}

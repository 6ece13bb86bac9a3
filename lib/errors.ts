/**
 * @module
 * The one application error type. Every error `lib/` raises on purpose is an
 * `AppError` carrying a `kind` (what went wrong, in the caller's terms, with no
 * HTTP in it) and whether it is `permanent` (trying again with the same input
 * cannot help). Each edge maps it in one function: `lib/http/errors.ts` to
 * ProblemDetails, `lib/ingest/runner.ts` to retry or fail, `streamErrorReason`
 * to the SSE error event, `exitCodeFor` to a CLI exit code. Subclasses exist
 * for their fields and their `instanceof`; no edge looks at a class name.
 *
 * @example
 * throw new AppError("not_found", "document 'x' not found");
 * if (error instanceof AppError && error.kind === "unavailable") retryLater();
 */

export type ErrorKind =
  /** The request or its options are malformed or out of range. */
  | "invalid"
  /** The caller is known but its key's scope does not allow this (a read-only key asked to write). */
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  /** A file of a type no extractor reads. */
  | "unsupported"
  /** A supported file that could not be read (corrupt, encrypted). */
  | "unprocessable"
  /** A dependency of ours (the database) is briefly away; try again later. */
  | "unavailable"
  /** A remote service (embedding or generation provider, a fetched page) failed. */
  | "upstream"
  /** The deployment's configuration cannot work; only an operator can fix it. */
  | "misconfigured";

/** Kinds that say the input (or the configuration) itself is wrong: repeating it cannot succeed. */
const PERMANENT_KINDS: ReadonlySet<ErrorKind> = new Set([
  "invalid",
  "forbidden",
  "not_found",
  "conflict",
  "too_large",
  "unsupported",
  "unprocessable",
  "misconfigured",
]);

export class AppError extends Error {
  override readonly name: string = "AppError";
  readonly permanent: boolean;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: { permanent?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.permanent = options.permanent ?? PERMANENT_KINDS.has(kind);
  }
}

export class ValidationError extends AppError {
  override readonly name = "ValidationError";
  constructor(message: string) {
    super("invalid", message);
  }
}

export class NotFoundError extends AppError {
  override readonly name = "NotFoundError";
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super("not_found", `${entity} '${id}' not found`);
  }
}

export class ConflictError extends AppError {
  override readonly name = "ConflictError";
  constructor(message: string) {
    super("conflict", message);
  }
}

/** The CLI edge: 0 success, 1 the operation failed, 2 the invocation or its input was wrong. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof AppError && (error.kind === "invalid" || error.kind === "misconfigured") ? 2 : 1;
}

/** The caller is known but not allowed to do this (a read-only key asked to write). */
export class ForbiddenError extends AppError {
  override readonly name = "ForbiddenError";
  constructor(message: string) {
    super("forbidden", message);
  }
}

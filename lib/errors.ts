/**
 * @module
 * Errors that describe what went wrong in the caller's terms, with no HTTP in
 * them; `lib/http/errors.ts` maps each by name, once, at the edge.
 */

export class ValidationError extends Error {
  override readonly name = "ValidationError";
}

export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} '${id}' not found`);
  }
}

export class ConflictError extends Error {
  override readonly name = "ConflictError";
}

export class PayloadTooLarge extends Error {
  override readonly name = "PayloadTooLarge";
}

/** The caller is known but not allowed to do this (a read-only key asked to write). */
export class ForbiddenError extends Error {
  override readonly name = "ForbiddenError";
}

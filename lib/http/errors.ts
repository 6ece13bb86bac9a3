/**
 * @module
 * The one place lib errors become HTTP: an `AppError`'s kind picks its status;
 * Hono's HTTPException keeps its own; anything else is logged with its stack
 * and answered with an opaque 500 that carries the request id.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DatabaseUnavailable, PoolBusy } from "../db/index.js";
import { AppError, type ErrorKind } from "../errors.js";
import { log } from "../log/logger.js";
import type { HonoEnv } from "./hono-env.js";
import { problemResponse } from "./problem.js";

/**
 * Each kind's status. `upstream` is the provider's fault, not ours; its messages are scrubbed of
 * credentials (lib/ai/errors.ts), so they can be the detail. `misconfigured` is one clear 500 naming
 * the problem (BAD_ENVIRONMENT), not a stack trace.
 */
const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  unprocessable: 422,
  misconfigured: 500,
  upstream: 502,
  unavailable: 503,
};

export function handleError(err: Error, c: Context<HonoEnv>): Response {
  if (err instanceof AppError) return appErrorResponse(err, c);
  if (err instanceof HTTPException) {
    if (err.res) return err.res;
    return problemResponse(c, err.status as ContentfulStatusCode, err.message || "request failed");
  }
  log.error("request.unhandled", { requestId: c.get("requestId"), error: err, stack: err.stack });
  return problemResponse(c, 500, "An unexpected error occurred; the request id identifies it in the logs.");
}

function appErrorResponse(err: AppError, c: Context<HonoEnv>): Response {
  if (err instanceof PoolBusy) {
    const wide = c.get("wide");
    if (wide) wide.shed = "pool";
    return problemResponse(
      c,
      503,
      "The service is at capacity; retry after the indicated delay.",
      {},
      {
        "retry-after": String(err.retryAfterSeconds),
      },
    );
  }
  if (err.kind === "unavailable") {
    const wide = c.get("wide");
    const code = err instanceof DatabaseUnavailable ? err.code : undefined;
    if (wide) wide.dbUnavailable = code ?? true;
    const retryAfter = err instanceof DatabaseUnavailable ? err.retryAfterSeconds : 1;
    return problemResponse(
      c,
      503,
      "The database is temporarily unavailable; retry after the indicated delay.",
      {},
      { "retry-after": String(retryAfter) },
    );
  }
  if (err.kind === "misconfigured") {
    log.error("config.invalid", { requestId: c.get("requestId"), error: err });
    return problemResponse(c, 500, err.message, { code: "BAD_ENVIRONMENT" });
  }
  return problemResponse(c, STATUS[err.kind], err.message);
}

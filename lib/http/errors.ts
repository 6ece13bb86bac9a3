/**
 * @module
 * The one place lib errors become HTTP. Ours map to their status; Hono's
 * HTTPException keeps its own; anything else is logged with its stack and
 * answered with an opaque 500 that carries the request id.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../config/env.js";
import { DatabaseConfigError, DatabaseUnavailable, PoolBusy } from "../db/index.js";
import { log } from "../log/logger.js";
import type { HonoEnv } from "./hono-env.js";
import { problemResponse } from "./problem.js";

/** Lib errors that describe the caller's input carry one of these statuses. */
const STATUS_BY_NAME: Record<string, ContentfulStatusCode> = {
  ValidationError: 400,
  NotFoundError: 404,
  ConflictError: 409,
  PayloadTooLarge: 413,
  UnsupportedContentType: 415,
  ExtractionFailed: 422,
  // The embedding or generation provider failed (after its retries): the upstream's fault, not ours.
  // Their messages are scrubbed of credentials (lib/ai/errors.ts), so they can be the detail.
  EmbeddingFailed: 502,
  GenerationFailed: 502,
};

/** Configuration that cannot work: one clear 500 naming the problem, not a stack trace. */
const BAD_ENVIRONMENT = new Set(["ConfigError", "DatabaseConfigError", "AiConfigError", "EmbeddingSpaceMismatch"]);

export function handleError(err: Error, c: Context<HonoEnv>): Response {
  const wide = c.get("wide");
  if (err instanceof DatabaseUnavailable) {
    if (wide) wide.dbUnavailable = err.code ?? true;
    return problemResponse(
      c,
      503,
      "The database is temporarily unavailable; retry after the indicated delay.",
      {},
      {
        "retry-after": String(err.retryAfterSeconds),
      },
    );
  }
  if (err instanceof PoolBusy) {
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
  const status = STATUS_BY_NAME[err.name];
  if (status) return problemResponse(c, status, err.message);
  if (err instanceof HTTPException) {
    if (err.res) return err.res;
    return problemResponse(c, err.status as ContentfulStatusCode, err.message || "request failed");
  }
  if (BAD_ENVIRONMENT.has(err.name) || err instanceof ConfigError || err instanceof DatabaseConfigError) {
    log.error("config.invalid", { requestId: c.get("requestId"), error: err });
    return problemResponse(c, 500, err.message, { code: "BAD_ENVIRONMENT" });
  }
  log.error("request.unhandled", { requestId: c.get("requestId"), error: err, stack: err.stack });
  return problemResponse(c, 500, "An unexpected error occurred; the request id identifies it in the logs.");
}

/**
 * @module
 * A byte budget for the upload bodies this instance holds at once. Every upload is read whole into memory (and
 * copied again by the database driver while it is stored), so ten concurrent 25 MiB uploads would otherwise hold
 * several hundred MB together. An upload reserves its declared Content-Length (or MAX_UPLOAD_BYTES when it declares
 * none) before a byte is read; one that would pass `UPLOAD_BUFFER_BYTES` is answered 503 + Retry-After and stores
 * nothing. Its body is read through and dropped first: HTTP/1.1 clients (undici's fetch among them) write the whole
 * body before they read an answer, and a connection closed under them surfaces as a network error, not as the 503.
 * The reservation lasts until the upload is stored or refused.
 */
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "./hono-env.js";
import { problemResponse } from "./problem.js";

/** Long enough for an upload of the maximum size in flight to be stored (or refused) meanwhile. */
const RETRY_AFTER_SECONDS = "2";

let reserved = 0;

/** Bytes of upload bodies reserved right now on this instance (for tests and /health details). */
export function reservedUploadBytes(): number {
  return reserved;
}

export function uploadBudget(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const { MAX_UPLOAD_BYTES, UPLOAD_BUFFER_BYTES } = c.get("services").config;
    const declared = Number(c.req.header("content-length"));
    // A larger declared length is refused by the size limit (413) without reserving anything.
    if (Number.isSafeInteger(declared) && declared > MAX_UPLOAD_BYTES) return next();
    const cost = Number.isSafeInteger(declared) && declared >= 0 ? declared : MAX_UPLOAD_BYTES;
    if (reserved > 0 && reserved + cost > UPLOAD_BUFFER_BYTES) {
      c.get("wide").shed = "upload_bytes";
      const drained = await discardBody(c.req.raw, MAX_UPLOAD_BYTES);
      return problemResponse(
        c,
        503,
        "The instance is holding as many upload bytes as it may (UPLOAD_BUFFER_BYTES); retry after the indicated delay.",
        {},
        { "retry-after": RETRY_AFTER_SECONDS, ...(drained ? {} : { connection: "close" }) },
      );
    }
    reserved += cost;
    try {
      await next();
    } finally {
      reserved -= cost;
    }
  };
}

/** Reads the body and drops each chunk (no memory held); false when it passed `maxBytes` or broke off. */
async function discardBody(request: Request, maxBytes: number): Promise<boolean> {
  if (!request.body) return true;
  const reader = request.body.getReader();
  let length = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      length += value.byteLength;
      if (length > maxBytes) {
        await reader.cancel().catch(() => {});
        return false;
      }
    }
  } catch {
    return false;
  } finally {
    reader.releaseLock();
  }
}

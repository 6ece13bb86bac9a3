/**
 * @module
 * Reads a request body into one buffer, at most `maxBytes`, on every runtime (a Web `ReadableStream`). With a
 * Content-Length the buffer is allocated once at that size and each chunk copied in as it arrives, so the body is
 * held once, never as a list of chunks plus their concatenation (what `arrayBuffer()` holds at its peak).
 *
 * @example
 * const bytes = await readBody(c.req.raw, config.MAX_UPLOAD_BYTES);
 * if (!bytes) return tooLarge(c);
 */
import { ValidationError } from "../errors.js";

/**
 * The body's bytes, or `undefined` when it is (or declares itself) larger than `maxBytes`. A body the client
 * stopped sending midway is a `ValidationError` (400): nobody may be left to read the answer, but it is no 5xx.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  const known = Number.isSafeInteger(declared) && declared >= 0;
  if (known && declared > maxBytes) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const whole = known ? new Uint8Array(declared) : undefined;
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read().catch(() => {
        throw new ValidationError("the request body ended before its end (the client stopped sending)");
      });
      if (done) break;
      if (length + value.byteLength > (whole ? whole.byteLength : maxBytes)) {
        await reader.cancel().catch(() => {});
        // More than it declared cannot happen over HTTP/1.1 (the parser frames the body); count it as too large.
        return undefined;
      }
      if (whole) whole.set(value, length);
      else chunks.push(value);
      length += value.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
  if (whole) return length === whole.byteLength ? whole : whole.subarray(0, length);
  if (chunks.length === 1) return chunks[0]!;
  const joined = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.byteLength;
  }
  return joined;
}

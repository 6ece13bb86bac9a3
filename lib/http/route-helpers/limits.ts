/**
 * @module
 * Body size cap for the JSON routes. Their largest legitimate body is a 10k
 * character question plus filters; 1 MiB leaves room and stops a client from
 * making the parser hold an arbitrarily large document in memory.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { HonoEnv } from "../hono-env.js";
import { problemResponse } from "../problem.js";

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export const jsonBodyLimit: MiddlewareHandler<HonoEnv> = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  // Connection: close, as for uploads: unread bytes of the body may still be in flight.
  onError: (c) =>
    problemResponse(
      c,
      413,
      `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`,
      {},
      { connection: "close" },
    ),
});

/**
 * @module
 * Body size cap for the JSON routes. Their largest legitimate body is a 10k
 * character question plus filters; 1 MiB leaves room and stops a client from
 * making the parser hold an arbitrarily large document in memory. Within the
 * cap, the body's shape is checked before any schema reads it: nesting depth
 * and reserved keys (`acceptJson`, the gate the MCP tools' arguments pass too), a 400 naming the field.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { acceptJson } from "../../contract/accept.js";
import type { HonoEnv } from "../hono-env.js";
import { problemResponse } from "../problem.js";

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const sizeLimit: MiddlewareHandler<HonoEnv> = bodyLimit({
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

/** Malformed JSON is left to the route's validator, which answers with its own 400. */
const jsonShape = async (c: Context<HonoEnv>, next: Next): Promise<void> => {
  const essence = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (essence === "application/json" || essence.endsWith("+json")) {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      await next();
      return;
    }
    acceptJson(body, "body");
  }
  await next();
};

export const jsonBodyLimit: MiddlewareHandler<HonoEnv> = (c, next) => sizeLimit(c, () => jsonShape(c, next));

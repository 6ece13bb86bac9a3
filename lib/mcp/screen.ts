/**
 * @module
 * What a JSON-RPC body must be before the MCP SDK reads it, decided by the functions the HTTP routes use
 * (`lib/contract/accept.ts`), so the two edges refuse the same input:
 *
 * - one message per request. A batch is refused whole (MCP 2025-06-18 dropped JSON-RPC batching; ours answered
 *   one 724 KB POST of 5,000 `search` calls as 5,000 requests that the in-flight bound never saw);
 * - every value of the message passes the JSON gate (nesting depth, keys like `__proto__`), allowing the
 *   envelope's own levels (`params.arguments`) on top of the depth a route's body may have;
 * - a tool call's arguments pass the gate and their tool's schema — the HTTP route's schema — through the same
 *   `parseRequest`, refused as a tool error in the words the route's 400 uses.
 *
 * @example
 * const refusal = screenMcpBody(JSON.parse(text));
 * if (refusal) return c.json(refusal.body, refusal.status);
 */
import { acceptJson, MAX_JSON_DEPTH, parseRequest } from "../contract/accept.js";
import { AppError } from "../errors.js";
import { TOOL_INPUTS } from "./tools.js";

/** `{ params: { arguments: … } }`: the levels a tool call's arguments sit below the message's root. */
const ENVELOPE_DEPTH = 2;
/** JSON-RPC 2.0 error codes. */
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

type Id = string | number | null;
export type Refusal = { status: 200 | 400; body: Record<string, unknown> };

const rpcError = (status: 200 | 400, id: Id, code: number, message: string): Refusal => ({
  status,
  body: { jsonrpc: "2.0", id, error: { code, message } },
});

/** `undefined`: the message may go to the SDK (which answers anything else that is not JSON-RPC itself). */
export function screenMcpBody(body: unknown): Refusal | undefined {
  if (Array.isArray(body)) {
    return rpcError(
      400,
      null,
      INVALID_REQUEST,
      "JSON-RPC batches are not accepted: send one message per request (MCP 2025-06-18 has no batches).",
    );
  }
  if (body === null || typeof body !== "object") return undefined;
  const message = body as { id?: unknown; method?: unknown; params?: { name?: unknown; arguments?: unknown } };
  const id: Id = typeof message.id === "string" || typeof message.id === "number" ? message.id : null;
  // A notification (no id) gets no JSON-RPC answer: its refusal is the HTTP status alone.
  const status = id === null ? 400 : 200;
  if (message.method === "tools/call" && typeof message.params?.name === "string") {
    const name = message.params.name;
    // Own keys only: a tool called "constructor" must not find Object's.
    const schema = Object.hasOwn(TOOL_INPUTS, name) ? TOOL_INPUTS[name as keyof typeof TOOL_INPUTS] : undefined;
    try {
      if (schema) parseRequest(schema, message.params.arguments ?? {}, "arguments");
      else acceptJson(message.params.arguments ?? {}, "arguments");
    } catch (error) {
      // The SDK's own shape for a refused call: a result with isError, which a model reads and can correct.
      return {
        status,
        body: { jsonrpc: "2.0", id, result: { content: [{ type: "text", text: reason(error) }], isError: true } },
      };
    }
  }
  // The rest of the message (and any other method's params), with the arguments' depth plus the envelope's.
  try {
    acceptJson(body, "message", MAX_JSON_DEPTH + ENVELOPE_DEPTH);
  } catch (error) {
    return rpcError(status, id, INVALID_PARAMS, reason(error));
  }
  return undefined;
}

function reason(error: unknown): string {
  if (error instanceof AppError) return error.message;
  throw error;
}

/**
 * @module
 * One stateless MCP exchange: a server and a transport built for this request and closed with it (see
 * routes/mcp.ts, which loads this module on the first MCP request). The body is read here, not by the transport:
 * at most MAX_UPLOAD_BYTES (a tool call may carry an upload), parsed once, and screened by `screenMcpBody` — the
 * gate the HTTP routes' bodies pass, batch refusal, the tools' schemas — before the SDK sees it.
 */
import { StreamableHTTPTransport } from "@hono/mcp";
import type { Context } from "hono";
import { screenMcpBody } from "../../mcp/screen.js";
import { createMcpServer } from "../../mcp/server.js";
import { readBody } from "../body.js";
import type { HonoEnv } from "../hono-env.js";
import { problemResponse } from "../problem.js";
import { memoryContext } from "../route-helpers/context.js";

/** JSON-RPC 2.0's code for a body that is not JSON (what the transport itself answers). */
const PARSE_ERROR = -32700;

export async function answerMcp(c: Context<HonoEnv>): Promise<Response> {
  if (!(c.req.header("content-type") ?? "").includes("application/json")) {
    // The transport's own answer, given before a byte is read.
    const error = { code: -32000, message: "Unsupported Media Type: Content-Type must be application/json" };
    return c.json({ jsonrpc: "2.0", id: null, error }, 415);
  }
  const maxSize = c.get("services").config.MAX_UPLOAD_BYTES;
  const bytes = await readBody(c.req.raw, maxSize);
  if (!bytes) {
    return problemResponse(
      c,
      413,
      `The request is larger than ${maxSize} bytes (MAX_UPLOAD_BYTES).`,
      {},
      { connection: "close" },
    );
  }
  let message: unknown;
  try {
    message = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return c.json({ jsonrpc: "2.0", id: null, error: { code: PARSE_ERROR, message: "Parse error: not JSON" } }, 400);
  }
  const refusal = screenMcpBody(message);
  if (refusal) {
    c.get("wide").invalid = JSON.stringify(refusal.body).slice(0, 200);
    return c.json(refusal.body, refusal.status);
  }
  const server = createMcpServer({
    ctx: await memoryContext(c),
    principal: c.get("principal"),
    requestId: c.get("requestId"),
  });
  const transport = new StreamableHTTPTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return (await transport.handleRequest(c, message)) ?? c.body(null, 202);
  } finally {
    // The answer is complete (JSON mode); nothing of this server may outlive the request.
    await server.close();
  }
}

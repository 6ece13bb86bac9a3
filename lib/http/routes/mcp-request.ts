/**
 * @module
 * One stateless MCP exchange: a server and a transport built for this request and closed with it (see
 * routes/mcp.ts, which loads this module on the first MCP request).
 */
import { StreamableHTTPTransport } from "@hono/mcp";
import type { Context } from "hono";
import { createMcpServer } from "../../mcp/server.js";
import type { HonoEnv } from "../hono-env.js";
import { memoryContext } from "../route-helpers/context.js";

export async function answerMcp(c: Context<HonoEnv>): Promise<Response> {
  const server = createMcpServer({
    ctx: await memoryContext(c),
    principal: c.get("principal"),
    requestId: c.get("requestId"),
  });
  const transport = new StreamableHTTPTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return (await transport.handleRequest(c)) ?? c.body(null, 202);
  } finally {
    // The answer is complete (JSON mode); nothing of this server may outlive the request.
    await server.close();
  }
}

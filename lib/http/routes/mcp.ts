/**
 * @module
 * `POST /mcp`: the Model Context Protocol over streamable HTTP (`@hono/mcp`'s
 * transport, the SDK's server), behind the same API-key middleware as every
 * other route; the tools see only what the key may touch.
 *
 * Stateless: each POST builds a server and a transport for itself and answers
 * with one JSON body. A serverless instance cannot promise that the next
 * request of a "session" reaches it (Workers isolates and Lambda environments
 * come and go, and many run side by side), so session state in memory would
 * be lost or split between instances; the protocol allows servers without
 * sessions, and nothing here needs one (no server-initiated messages). For the
 * same reason `GET` (a standalone event stream that would pin an instance) and
 * `DELETE` (ending a session) answer 405.
 *
 * The answer itself (routes/mcp-request.ts) comes from the composition root: on Node the SDK and the tools load on
 * the first MCP request, not with the server: they were a sixth of the module graph a cold start loads, and
 * serving /search never needs them (BENCHMARKS.md, coldstart).
 */

import { type Context, Hono } from "hono";
import { indexFree } from "../../keys/access.js";
import type { HonoEnv } from "../hono-env.js";
import { problemResponse } from "../problem.js";
import { route } from "../route-helpers/register.js";
import { uploadBudget } from "../upload-budget.js";

/** `answerMcp` of routes/mcp-request.ts, or a wrapper that imports it on first use. */
export type McpAnswer = (c: Context<HonoEnv>) => Promise<Response>;

export function mcpRoutes(answerMcp: McpAnswer): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  // Each tool and resource declares its own access (lib/mcp/define.ts); the endpoint itself needs any valid key.
  route(
    app,
    "POST",
    "/mcp",
    indexFree("read"),
    // Uploads travel inside the JSON-RPC body: it is held under the same byte budget as `POST /upload`'s (reserved
    // before a byte is read, 503 + Retry-After past UPLOAD_BUFFER_BYTES); its size cap is read in `answerMcp`.
    uploadBudget(),
    answerMcp,
  );
  const notAllowed = (c: Context<HonoEnv>) =>
    problemResponse(c, 405, "This MCP endpoint is stateless: send JSON-RPC messages with POST.", {}, { allow: "POST" });
  route(app, "GET", "/mcp", indexFree("read"), notAllowed);
  route(app, "DELETE", "/mcp", indexFree("read"), notAllowed);
  return app;
}

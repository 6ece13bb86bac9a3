/**
 * @module
 * `#mcp-answer` on Node: the MCP SDK and tools load on the first MCP request (see routes/mcp.ts). In workerd the
 * import maps to routes/mcp-request.ts itself: a dynamic import there would make esbuild wrap the modules it
 * reaches in lazy initialisers, a larger Worker bundle for a start that costs nothing to gain.
 */
import type { answerMcp as eager } from "./mcp-request.js";

export const answerMcp: typeof eager = async (c) => (await import("./mcp-request.js")).answerMcp(c);

/**
 * @module
 * The app options every Node host shares (server, Lambda, Vercel): `/jobs/run` runs a tick in this process, and
 * `/mcp` imports the MCP SDK and tools on its first request, not with the host (they were a sixth of the module
 * graph a cold start loaded; BENCHMARKS.md, coldstart).
 *
 * @example
 * createApp({ env: () => process.env, ...nodeApp(nodeRuntime()) });
 */
import type { AppOptions } from "../http/app.js";
import type { McpAnswer } from "../http/routes/mcp.js";
import { runTick } from "../jobs/scheduled.js";
import type { RuntimeParts } from "../runtime/parts.js";

const answerMcpLazily: McpAnswer = async (c) => (await import("../http/routes/mcp-request.js")).answerMcp(c);

export function nodeApp(runtime: RuntimeParts): Pick<AppOptions, "runtime" | "mcp" | "jobsTick"> {
  return { runtime, mcp: answerMcpLazily, jobsTick: runTick };
}

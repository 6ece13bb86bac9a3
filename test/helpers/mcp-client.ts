/**
 * @module
 * The MCP SDK's own client against an `/mcp` endpoint, with a key (or none),
 * plus small readers for tool results. The same helper serves the Node and
 * workerd suites: `fetch` decides where requests go.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export const TOOL_NAMES = [
  "ask",
  "delete_document",
  "evaluate",
  "get_status",
  "list_documents",
  "list_indexes",
  "search",
  "upload_text",
  "upload_url",
];

export async function connectMcp(url: string, options: { key?: string; fetch?: typeof fetch } = {}): Promise<Client> {
  const client = new Client({ name: "serverless-memory-tests", version: "0.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: options.key === undefined ? {} : { headers: { authorization: `Bearer ${options.key}` } },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  await client.connect(transport);
  return client;
}

export type ToolCall = { result: CallToolResult; json: Record<string, unknown>; text: string };

export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolCall> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content
    .filter((c): c is { type: "text"; text: string } => c.type === "text")
    .map((c) => c.text)
    .join("\n");
  return { result, json: (result.structuredContent ?? {}) as Record<string, unknown>, text };
}

/** Calls a tool that must succeed; its failure text makes the test's message. */
export async function okTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolCall> {
  const call = await callTool(client, name, args);
  if (call.result.isError) throw new Error(`${name} failed: ${call.text}`);
  return call;
}

/** Polls get_status (≤ 100 × 100 ms) until the document completes or fails. */
export async function waitForStatus(client: Client, index: string, documentId: string) {
  let last = "";
  for (let i = 0; i < 100; i++) {
    const call = await callTool(client, "get_status", { index, documentId });
    last = call.text;
    if (!call.result.isError && (call.json.completed || call.json.failed)) return call.json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${index}/${documentId} not ingested after 10 s: ${last}`);
}

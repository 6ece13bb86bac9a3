/**
 * @module
 * The HTTP bad-input cases (test/helpers/suite-arbitraries.ts, through suite-bad-input.ts's families) replayed as
 * MCP tool calls: each route a tool stands for, each request turned into that tool's arguments (a JSON body as is,
 * a query string as its parameters). A case is replayed only where its defect reaches the tool: framing the MCP
 * transport does not share (content types, broken JSON, multipart) is the HTTP suite's alone, and a body with a
 * field the tool does not take (`stream` on ask, `url` beside `text`) would be read without it.
 */
import fc from "fast-check";
import type { BadInputFamily } from "./suite-bad-input.js";

/** The HTTP route each MCP tool stands for; a tool missing here fails the suite until it is mapped. */
export const ROUTE_OF_TOOL: Record<string, string> = {
  search: "POST /search",
  ask: "POST /ask",
  upload_text: "POST /upload",
  upload_url: "POST /upload",
  get_status: "GET /upload-status",
  list_documents: "GET /documents",
  delete_document: "DELETE /documents",
  list_indexes: "GET /indexes",
  evaluate: "POST /indexes/{index}/evaluate",
};

/** The route template a request's method and path match, with the path parameters it names (decoded). */
function matchRoute(method: string, pathname: string): { route: string; params: Record<string, string> } {
  for (const template of new Set(Object.values(ROUTE_OF_TOOL))) {
    const [m, path] = template.split(" ", 2) as [string, string];
    if (m !== method) continue;
    const names: string[] = [];
    const pattern = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return "([^/]*)";
    });
    const found = new RegExp(`^${pattern}$`).exec(pathname);
    if (!found) continue;
    try {
      return {
        route: template,
        params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)])),
      };
    } catch {
      return { route: `${method} ${pathname}`, params: {} }; // a malformed escape reaches no tool
    }
  }
  return { route: `${method} ${pathname}`, params: {} };
}

export type ListedTool = { name: string; inputSchema: { properties?: Record<string, unknown> } };
export type BadHttpRequest = {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
};
export type ToolCase = { req: BadHttpRequest; route: string; tool: string; args: unknown; bytes: number };

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The tool call a bad HTTP request stands for, or `undefined` when its defect cannot reach a tool. */
export function toToolCall(
  req: BadHttpRequest,
  tools: readonly ListedTool[],
  maxBodyBytes: number,
): ToolCase | undefined {
  const [pathname, query] = req.path.split("?", 2) as [string, string | undefined];
  const { route, params } = matchRoute(req.method, pathname);
  let args: unknown;
  if (req.body) {
    if (req.headers?.["content-type"] !== "application/json") return undefined;
    try {
      args = JSON.parse(decoder.decode(req.body));
    } catch {
      return undefined;
    }
  } else {
    args = Object.fromEntries(new URLSearchParams(query ?? ""));
  }
  // A path parameter (the index of /indexes/{index}/…) is one more argument of the tool.
  if (Object.keys(params).length > 0) {
    if (args === null || typeof args !== "object" || Array.isArray(args)) return undefined;
    args = { ...(args as object), ...params };
  }
  const isObject = args !== null && typeof args === "object" && !Array.isArray(args);
  const candidates = tools.filter((t) => ROUTE_OF_TOOL[t.name] === route);
  // Two tools share POST /upload: the one whose input the body's fields name.
  const tool =
    candidates.length > 1 && isObject
      ? candidates.find((t) => "url" in (t.inputSchema.properties ?? {}) === "url" in (args as object))
      : candidates[0];
  if (!tool) return undefined;
  const bytes = req.body?.byteLength ?? 0;
  const known = Object.keys(tool.inputSchema.properties ?? {});
  // A field the tool does not take is dropped by its schema, so its defect would not reach it (a body over the
  // size cap is refused before any field is read).
  if (isObject && bytes <= maxBodyBytes && Object.keys(args as object).some((k) => !known.includes(k))) {
    return undefined;
  }
  return { req, route, tool: tool.name, args, bytes };
}

/** `runs` cases of `family` that reach a tool (sampled with the family's seed), with how many were drawn for them. */
export function toolCases(
  family: BadInputFamily,
  tools: readonly ListedTool[],
  maxBodyBytes: number,
  runs: number,
): { cases: ToolCase[]; drawn: number } {
  const drawn = fc.sample(family.requests, { numRuns: runs, seed: family.seed });
  const cases = drawn.flatMap((req) => toToolCall(req, tools, maxBodyBytes) ?? []);
  return { cases, drawn: drawn.length };
}

export type Outcome = { refused: boolean; how: string; text: string };

/**
 * A JSON-RPC answer (or an HTTP refusal before one): refused when 4xx, a JSON-RPC error, or a result with isError
 * that names what is wrong (not the opaque "failed unexpectedly" of a tool that crashed on the input).
 */
export async function outcomeOf(res: Response): Promise<Outcome> {
  const raw = await res.text();
  if (res.status >= 400 && res.status < 500) return { refused: true, how: `HTTP ${res.status}`, text: raw };
  if (res.status !== 200) return { refused: false, how: `HTTP ${res.status}`, text: raw };
  const body = JSON.parse(raw) as {
    error?: { message: string };
    result?: { isError?: boolean; content?: Array<{ text?: string }> };
  };
  if (body.error) return { refused: true, how: "JSON-RPC error", text: body.error.message };
  const text = body.result?.content?.map((c) => c.text ?? "").join("\n") ?? "";
  // A tool that failed unexpectedly (a 500 in tool form) did not refuse: it ran the input.
  const refused = body.result?.isError === true && !/failed unexpectedly/.test(text);
  return { refused, how: body.result?.isError ? "tool error" : "result", text };
}

let nextId = 1;

/** One JSON-RPC message (or a batch of them) posted the way an MCP client posts it, outside any session. */
export function postMcp(url: string, message: unknown, init: { key?: string } = {}): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
    },
    body: typeof message === "string" ? message : JSON.stringify(message),
    signal: AbortSignal.timeout(60_000),
  });
}

export function toolCall(name: string, args: unknown): Record<string, unknown> {
  return { jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name, arguments: args } };
}

/**
 * @module
 * Registers the MCP tools and resources, each with its `Access` declaration
 * (lib/keys/access.ts), the way lib/http/route-helpers/register.ts registers HTTP
 * routes: the declared index input (a tool argument, a resource URI variable) is
 * resolved and `authorize` decides before the tool's own code runs, which gets
 * the decision (`Grant`). `assertEveryCapabilityDeclared` refuses a server holding
 * a tool or resource registered any other way.
 *
 * @example
 * defineTool(server, deps, "get_status", { inputSchema: DocumentQuery }, indexed("read", "index"),
 *   async (args, grant) => jsonResult(await getUploadStatus(deps.ctx, grant.index!, args.documentId)));
 */
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  type CallToolResult,
  ErrorCode,
  McpError,
  type ReadResourceResult,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { normalizeIndexName } from "../contract/validate.js";
import { NotFoundError } from "../errors.js";
import { type Access, authorize, checkAccess, effectiveAccess, type Grant } from "../keys/access.js";
import type { Principal } from "../keys/types.js";
import type { MemoryContext } from "../memory/types.js";
import { errorResult } from "./results.js";

export type McpDeps = { ctx: MemoryContext; principal: Principal; requestId: string };

type ToolConfig = { title?: string; description?: string; annotations?: ToolAnnotations };
type ToolResult = CallToolResult;

/** Names of the tools and resources registered through this module, per server. */
const declaredBy = new WeakMap<McpServer, Set<string>>();

function declare(server: McpServer, key: string, access: Access): void {
  checkAccess(access, key);
  const names = declaredBy.get(server) ?? new Set<string>();
  names.add(key);
  declaredBy.set(server, names);
}

/** Registers a tool whose `run` receives its parsed arguments and the authorization decision. */
export function defineTool<S extends z.ZodType | undefined = undefined>(
  server: McpServer,
  deps: McpDeps,
  name: string,
  config: ToolConfig & { inputSchema?: S },
  access: Access,
  run: (args: S extends z.ZodType ? z.output<S> : Record<string, never>, grant: Grant) => Promise<ToolResult>,
): void {
  declare(server, `tool ${name}`, access);
  const callback = async (...params: unknown[]): Promise<ToolResult> => {
    // Without an input schema the SDK passes only its `extra`: there are no arguments.
    const args = (config.inputSchema ? params[0] : {}) as Record<string, unknown>;
    try {
      const index = access.index === null ? undefined : indexOf(args[access.index], access);
      const needs = effectiveAccess(access, access.raisedBy ? args[access.raisedBy.input] : undefined);
      return await run(args as never, authorize(deps.principal, needs, index));
    } catch (error) {
      return errorResult(error, name, deps.requestId);
    }
  };
  server.registerTool(name, config as ToolConfig & { inputSchema?: z.ZodObject }, callback as never);
}

/**
 * Registers a resource template: `read` declares the URI variable naming the index, `list` what
 * listing needs (it receives the key's view through its grant).
 */
export function defineResource(
  server: McpServer,
  deps: McpDeps,
  name: string,
  uriTemplate: string,
  metadata: { description: string; mimeType: string },
  access: { read: Access; list: Access },
  handlers: {
    list(grant: Grant): Promise<Array<{ uri: string; name: string; mimeType?: string; description?: string }>>;
    read(uri: URL, variables: Record<string, string>, grant: Grant): Promise<ReadResourceResult>;
  },
): void {
  declare(server, `resource ${name}`, access.read);
  checkAccess(access.list, `resource ${name} (list)`);
  const template = new ResourceTemplate(uriTemplate, {
    list: async () => ({ resources: await handlers.list(authorize(deps.principal, access.list, undefined)) }),
  });
  server.registerResource(name, template, metadata, async (uri, raw) => {
    try {
      const variables = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decodeURIComponent(String(v))]));
      const read = access.read;
      const index = read.index === null ? undefined : uriIndex(variables[read.index], uri);
      return await handlers.read(uri, variables, authorize(deps.principal, read, index));
    } catch (error) {
      // A JSON-RPC error carrying the same caller-safe message a tool would give.
      const text = (errorResult(error, "resources/read", deps.requestId).content[0] as { text: string }).text;
      throw new McpError(ErrorCode.InvalidParams, text);
    }
  });
}

/** Throws when the server holds a tool or resource that was not registered with a declaration. */
export function assertEveryCapabilityDeclared(server: McpServer): void {
  // The SDK keeps its registrations in these (TypeScript-private) fields; if they move, refuse rather than pass.
  const registered = server as unknown as Record<string, unknown>;
  const names: string[] = [];
  for (const [field, kind] of [
    ["_registeredTools", "tool"],
    ["_registeredResourceTemplates", "resource"],
    ["_registeredResources", "resource"],
    ["_registeredPrompts", "prompt"],
  ] as const) {
    const table = registered[field];
    if (table === null || typeof table !== "object") throw new Error(`cannot list the MCP server's ${field}`);
    names.push(...Object.keys(table).map((n) => `${kind} ${n}`));
  }
  const declared = declaredBy.get(server) ?? new Set<string>();
  const missing = names.filter((n) => !declared.has(n));
  if (missing.length > 0) throw new Error(`MCP ${missing.join(", ")} registered without an access declaration`);
}

function indexOf(raw: unknown, access: Access): string | undefined {
  if ((raw === undefined || raw === null) && access.optional) return undefined;
  return normalizeIndexName(raw as string | null | undefined);
}

/** Resource URIs carry normalised names; anything else is simply not a document here. */
function uriIndex(raw: string | undefined, uri: URL): string {
  const index = raw === undefined ? "" : raw;
  if (!/^[a-z0-9-]{1,128}$/.test(index)) throw new NotFoundError("document", uri.href.slice(0, 200));
  return index;
}

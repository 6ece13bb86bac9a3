/**
 * @module
 * The service as an MCP server: the memory tools and document resources,
 * bound to one caller (their key's principal) and one request's context.
 *
 * @example
 * const server = createMcpServer({ ctx, principal, requestId });
 * await server.connect(transport);
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { VERSION } from "../contract/version.js";
import { assertEveryCapabilityDeclared } from "./define.js";
import { registerDocumentResources } from "./resources.js";
import { type McpDeps, registerTools } from "./tools.js";

export const MCP_SERVER_NAME = "serverless-memory";

/**
 * One per instance: the SDK builds an Ajv validator for every server it is not
 * given one (≈4 ms each, measured here), and a stateless endpoint builds a
 * server per request. Ours never uses it (no elicitation), so sharing it is safe.
 */
let validator: AjvJsonSchemaValidator | undefined;

export function createMcpServer(deps: McpDeps): McpServer {
  validator ??= new AjvJsonSchemaValidator();
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: VERSION },
    {
      capabilities: { tools: {}, resources: {} },
      jsonSchemaValidator: validator,
      instructions:
        "A document memory. Use search for passages, ask for a cited answer, upload_text/upload_url to add documents (then get_status until completed), list_indexes and list_documents to browse. Documents are also resources: memory://{index}/{documentId}.",
    },
  );
  registerTools(server, deps);
  registerDocumentResources(server, deps);
  // Each tool and resource declares what it needs where it is registered (define.ts); one that does not is refused.
  assertEveryCapabilityDeclared(server);
  return server;
}

/**
 * @module
 * Documents as MCP resources: `memory://{index}/{documentId}`. Listing shows
 * the documents of the indexes the key can see (a bounded first page: agents
 * search, they do not crawl); reading returns the document's extracted text,
 * partition by partition (consecutive partitions overlap by design), with
 * its pipeline status. A document in a foreign index does not exist here.
 */
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, type ReadResourceResult, type Resource } from "@modelcontextprotocol/sdk/types.js";
import { validateDocumentId } from "../contract/validate.js";
import { NotFoundError } from "../errors.js";
import { authorizeIndex, canSeeIndex } from "../keys/access.js";
import { getUploadStatus, listDocuments, listIndexes } from "../memory/index.js";
import { readDocumentText } from "../store/document-text.js";
import { documentUri, errorResult } from "./results.js";
import type { McpDeps } from "./tools.js";

/** How many documents `resources/list` shows in all. */
export const MAX_LISTED_RESOURCES = 100;

export function registerDocumentResources(server: McpServer, deps: McpDeps): void {
  const template = new ResourceTemplate("memory://{index}/{documentId}", {
    list: async () => ({ resources: await listVisibleDocuments(deps) }),
  });
  server.registerResource(
    "document",
    template,
    { description: "A stored document's extracted text and pipeline status", mimeType: "text/plain" },
    async (uri, variables) => {
      try {
        return await readDocument(deps, uri, String(variables.index), String(variables.documentId));
      } catch (error) {
        // A JSON-RPC error carrying the same caller-safe message a tool would give.
        const text = (errorResult(error, "resources/read", deps.requestId).content[0] as { text: string }).text;
        throw new McpError(ErrorCode.InvalidParams, text);
      }
    },
  );
}

async function listVisibleDocuments({ ctx, principal }: McpDeps): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const { name } of await listIndexes(ctx)) {
    if (!canSeeIndex(principal, name)) continue;
    const page = await listDocuments(ctx, name, { limit: MAX_LISTED_RESOURCES - resources.length });
    for (const doc of page.documents) {
      resources.push({
        uri: documentUri(doc.index, doc.documentId),
        name: `${doc.index}/${doc.documentId}`,
        mimeType: "text/plain",
        description: doc.files.map((f) => f.name).join(", "),
      });
    }
    if (resources.length >= MAX_LISTED_RESOURCES) break;
  }
  return resources;
}

async function readDocument(deps: McpDeps, uri: URL, rawIndex: string, rawId: string): Promise<ReadResourceResult> {
  const index = decodeURIComponent(rawIndex);
  const documentId = validateDocumentId(decodeURIComponent(rawId));
  // Resource URIs carry normalised names; anything else is simply not a document here.
  if (!/^[a-z0-9-]{1,128}$/.test(index)) throw new NotFoundError("document", `${index}/${documentId}`);
  authorizeIndex(deps.principal, index, "read");
  const status = await getUploadStatus(deps.ctx, index, documentId);
  const files = await readDocumentText(deps.ctx.db, index, documentId);
  const header = `# ${index}/${documentId}\nstatus: ${status.completed ? "completed" : status.failed ? "failed" : "in progress"}`;
  const body = files.map((f) => `## ${f.name}\n\n${f.partitions.join("\n\n")}`).join("\n\n");
  return { contents: [{ uri: uri.href, mimeType: "text/plain", text: body ? `${header}\n\n${body}` : header }] };
}

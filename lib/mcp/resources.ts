/**
 * @module
 * Documents as MCP resources: `memory://{index}/{documentId}`. Listing shows
 * the documents of the indexes the key can see (a bounded first page: agents
 * search, they do not crawl); reading returns the document's extracted text,
 * partition by partition (consecutive partitions overlap by design), with
 * its pipeline status. A document in a foreign index does not exist here.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ReadResourceResult, Resource } from "@modelcontextprotocol/sdk/types.js";
import { validateDocumentId } from "../contract/validate.js";
import { type Grant, indexed, indexFree } from "../keys/access.js";
import { listDocuments } from "../memory/documents.js";
import { getUploadStatus } from "../memory/status.js";
import { readDocumentText } from "../store/document-text.js";
import { listIndexNames } from "../store/memory-store.js";
import { defineResource, type McpDeps } from "./define.js";
import { documentUri } from "./results.js";

/** How many documents `resources/list` shows in all. */
export const MAX_LISTED_RESOURCES = 100;

export function registerDocumentResources(server: McpServer, deps: McpDeps): void {
  defineResource(
    server,
    deps,
    "document",
    "memory://{index}/{documentId}",
    { description: "A stored document's extracted text and pipeline status", mimeType: "text/plain" },
    // Reading names its index in the URI; listing walks the indexes the key sees.
    { read: indexed("read", "index"), list: indexFree("read") },
    {
      list: (grant) => listVisibleDocuments(deps, grant),
      read: (uri, variables, grant) => readDocument(deps, uri, grant.index as string, variables.documentId ?? ""),
    },
  );
}

async function listVisibleDocuments({ ctx }: McpDeps, grant: Grant): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const name of await listIndexNames(ctx.reader ?? ctx.db)) {
    if (!grant.sees(name)) continue;
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

async function readDocument(deps: McpDeps, uri: URL, index: string, rawId: string): Promise<ReadResourceResult> {
  const documentId = validateDocumentId(rawId);
  const status = await getUploadStatus(deps.ctx, index, documentId);
  const files = await readDocumentText(deps.ctx.db, index, documentId);
  const header = `# ${index}/${documentId}\nstatus: ${status.completed ? "completed" : status.failed ? "failed" : "in progress"}`;
  const body = files.map((f) => `## ${f.name}\n\n${f.partitions.join("\n\n")}`).join("\n\n");
  return { contents: [{ uri: uri.href, mimeType: "text/plain", text: body ? `${header}\n\n${body}` : header }] };
}

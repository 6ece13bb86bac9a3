/**
 * @module
 * The MCP tools, thin adapters over the memory verbs like the HTTP routes:
 * their input schemas ARE the HTTP API's zod schemas (`lib/contract/requests.ts`),
 * their inputs go through the same conversions (`lib/contract/inputs.ts`), and
 * the caller's key is checked the same way (`lib/keys/access.ts`): a foreign
 * index is "not found", a read key cannot write.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { askInput, searchInput, textUploadInput } from "../contract/inputs.js";
import { DocumentQuery, ListDocumentsQuery, MemoryQuery, SearchQuery, TextUpload } from "../contract/requests.js";
import { normalizeIndexName, validateDocumentId } from "../contract/validate.js";
import { AppError } from "../errors.js";
import { uploadDocument } from "../ingest/upload.js";
import { authorizeIndex, canSeeIndex } from "../keys/access.js";
import type { Principal } from "../keys/types.js";
import {
  askMemory,
  deleteDocument,
  getUploadStatus,
  listDocuments,
  listIndexes,
  searchMemory,
} from "../memory/index.js";
import type { MemoryContext, UploadInput } from "../memory/types.js";
import { answerText, errorResult, jsonResult } from "./results.js";

export type McpDeps = { ctx: MemoryContext; principal: Principal; requestId: string };

/** Runs a tool body; every failure becomes an `isError` result (see `results.ts`). */
function guarded<A>(name: string, deps: McpDeps, run: (args: A) => Promise<CallToolResult>) {
  return async (args: A): Promise<CallToolResult> => {
    try {
      return await run(args);
    } catch (error) {
      return errorResult(error, name, deps.requestId);
    }
  };
}

const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

export function registerTools(server: McpServer, deps: McpDeps): void {
  const { ctx, principal } = deps;

  server.registerTool(
    "search",
    {
      description:
        "Search the memory for passages relevant to a query. Filters are Kernel Memory's: tags inside one filter are AND-ed, filters are OR-ed. Returns citations (document, file, passages with relevance).",
      inputSchema: SearchQuery,
      annotations: readOnly,
    },
    guarded("search", deps, async (args) => {
      const input = searchInput(args, ctx.config.SEARCH_MAX_LIMIT);
      authorizeIndex(principal, input.index, "read");
      const result = await searchMemory(ctx, input);
      return jsonResult(result, undefined, result.results);
    }),
  );

  server.registerTool(
    "ask",
    {
      description:
        "Answer a question from the memory. The answer cites its sources; if nothing relevant is stored the answer is INFO NOT FOUND with noResult: true.",
      inputSchema: MemoryQuery.omit({ stream: true }),
      annotations: readOnly,
    },
    guarded("ask", deps, async (args) => {
      const input = askInput(args);
      authorizeIndex(principal, input.index, "read");
      const answer = await askMemory(ctx, input);
      return jsonResult(answer, answerText(answer.text, answer.relevantSources), answer.relevantSources);
    }),
  );

  server.registerTool(
    "upload_text",
    {
      description:
        "Store a text as a document (re-using a documentId replaces that document). Ingestion runs in the background; poll get_status until completed.",
      inputSchema: TextUpload.omit({ url: true }).required({ text: true }),
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    guarded("upload_text", deps, async (args) => upload(deps, textUploadInput(args))),
  );

  server.registerTool(
    "upload_url",
    {
      description:
        "Fetch a web page (or a file by URL) and store it as a document. Ingestion runs in the background; poll get_status until completed.",
      inputSchema: TextUpload.omit({ text: true }).required({ url: true }),
      annotations: { destructiveHint: false, openWorldHint: true },
    },
    guarded("upload_url", deps, async (args) => upload(deps, textUploadInput(args))),
  );

  server.registerTool(
    "get_status",
    {
      description: "The ingestion status of a document (completed, failed with the failing step and why, or pending).",
      inputSchema: DocumentQuery,
      annotations: readOnly,
    },
    guarded("get_status", deps, async (args) => {
      const index = normalizeIndexName(args.index);
      authorizeIndex(principal, index, "read");
      return jsonResult(await getUploadStatus(ctx, index, validateDocumentId(args.documentId)));
    }),
  );

  server.registerTool(
    "list_documents",
    {
      description: "One page of an index's documents; pass nextCursor as cursor for the next page.",
      inputSchema: ListDocumentsQuery,
      annotations: readOnly,
    },
    guarded("list_documents", deps, async (args) => {
      const index = normalizeIndexName(args.index);
      authorizeIndex(principal, index, "read");
      const cursor = args.cursor ? validateDocumentId(args.cursor) : undefined;
      const page = await listDocuments(ctx, index, { ...(cursor ? { cursor } : {}), limit: args.limit });
      return jsonResult({ index, documents: page.documents, nextCursor: page.nextCursor });
    }),
  );

  server.registerTool(
    "delete_document",
    {
      description: "Delete a document and everything derived from it. Deleting a missing document is not an error.",
      inputSchema: DocumentQuery,
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    guarded("delete_document", deps, async (args) => {
      const index = normalizeIndexName(args.index);
      const documentId = validateDocumentId(args.documentId);
      authorizeIndex(principal, index, "write");
      await deleteDocument(ctx, index, documentId);
      return jsonResult({ index, documentId, message: "Document deleted" });
    }),
  );

  server.registerTool(
    "list_indexes",
    { description: "The indexes this key can see.", annotations: readOnly },
    guarded("list_indexes", deps, async () => {
      const all = await listIndexes(ctx);
      return jsonResult({ results: all.filter(({ name }) => canSeeIndex(principal, name)) });
    }),
  );
}

async function upload(deps: McpDeps, input: UploadInput): Promise<CallToolResult> {
  authorizeIndex(deps.principal, input.index, "write");
  const max = deps.ctx.config.MAX_UPLOAD_BYTES;
  if (input.files.reduce((n, f) => n + f.bytes.byteLength, 0) > max) {
    throw new AppError("too_large", `The upload is larger than the limit of ${max} bytes (MAX_UPLOAD_BYTES).`);
  }
  const stored = await uploadDocument(deps.ctx, input);
  return jsonResult({
    index: stored.index,
    documentId: stored.documentId,
    message: "Document upload completed, ingestion pipeline started; poll get_status until completed",
  });
}

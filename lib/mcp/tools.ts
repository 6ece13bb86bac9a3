/**
 * @module
 * The MCP tools, thin adapters over the memory verbs like the HTTP routes:
 * their input schemas ARE the HTTP API's zod schemas (`lib/contract/requests.ts`),
 * their inputs go through the same conversions (`lib/contract/inputs.ts`), and
 * each declares what it needs where it is registered (`define.ts`): the decision
 * is made before the tool runs, which touches only the index it was granted.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { EvaluateToolInput, evaluateInput } from "../contract/evaluate.js";
import { askInput, searchInput, textUploadInput } from "../contract/inputs.js";
import { DocumentQuery, ListDocumentsQuery, MemoryQuery, SearchQuery, TextUpload } from "../contract/requests.js";
import { validateDocumentId } from "../contract/validate.js";
import { AppError } from "../errors.js";
import { uploadDocument } from "../ingest/upload.js";
import { type Grant, indexed, indexFree } from "../keys/access.js";
import { askCached } from "../memory/answer/cache.js";
import { listDocuments } from "../memory/documents.js";
import { evaluateIndex } from "../memory/evaluate/index.js";
import { searchMemory } from "../memory/search.js";
import { getUploadStatus } from "../memory/status.js";
import type { UploadInput } from "../memory/types.js";
import { deleteDocumentById } from "../store/document-delete.js";
import { listIndexNames } from "../store/memory-store.js";
import { defineTool, type McpDeps } from "./define.js";
import { answerText, jsonResult } from "./results.js";

export type { McpDeps } from "./define.js";

/**
 * Each tool's input schema, the HTTP route's own (lib/contract/requests.ts). The SDK lists and checks them, and
 * `screen.ts` passes a call's arguments through them with the HTTP routes' gate first (`parseRequest`), so a tool
 * refuses what its route refuses, in the same words. A tool absent here takes no arguments.
 */
export const TOOL_INPUTS = {
  search: SearchQuery,
  ask: MemoryQuery.omit({ stream: true }),
  upload_text: TextUpload.omit({ url: true }).required({ text: true }),
  upload_url: TextUpload.omit({ text: true }).required({ url: true }),
  get_status: DocumentQuery,
  list_documents: ListDocumentsQuery,
  delete_document: DocumentQuery,
} as const;

const readOnly = { readOnlyHint: true, openWorldHint: false } as const;
/** Every tool that touches an index names it in its `index` argument. */
const reads = indexed("read", "index");
const writes = indexed("write", "index");

/** The index `authorize` granted (the tool declared one). */
const granted = (grant: Grant): string => grant.index as string;

export function registerTools(server: McpServer, deps: McpDeps): void {
  const { ctx } = deps;

  defineTool(
    server,
    deps,
    "search",
    {
      description:
        "Search the memory for passages relevant to a query. Filters are Kernel Memory's: tags inside one filter are AND-ed, filters are OR-ed. Returns citations (document, file, passages with relevance).",
      inputSchema: TOOL_INPUTS.search,
      annotations: readOnly,
    },
    reads,
    async (args, grant) => {
      const input = { ...searchInput(args, ctx.config.SEARCH_MAX_LIMIT), index: granted(grant) };
      const result = await searchMemory(ctx, input);
      return jsonResult(result, undefined, result.results);
    },
  );

  defineTool(
    server,
    deps,
    "ask",
    {
      description:
        "Answer a question from the memory. The answer cites its sources; if nothing relevant is stored the answer is INFO NOT FOUND with noResult: true.",
      inputSchema: TOOL_INPUTS.ask,
      annotations: readOnly,
    },
    reads,
    async (args, grant) => {
      const answer = await askCached(ctx, { ...askInput(args), index: granted(grant) });
      return jsonResult(answer, answerText(answer.text, answer.relevantSources), answer.relevantSources);
    },
  );

  defineTool(
    server,
    deps,
    "upload_text",
    {
      description:
        "Store a text as a document (re-using a documentId replaces that document). Ingestion runs in the background; poll get_status until completed.",
      inputSchema: TOOL_INPUTS.upload_text,
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    writes,
    async (args, grant) => upload(deps, { ...textUploadInput(args), index: granted(grant) }),
  );

  defineTool(
    server,
    deps,
    "upload_url",
    {
      description:
        "Fetch a web page (or a file by URL) and store it as a document. Ingestion runs in the background; poll get_status until completed.",
      inputSchema: TOOL_INPUTS.upload_url,
      annotations: { destructiveHint: false, openWorldHint: true },
    },
    writes,
    async (args, grant) => upload(deps, { ...textUploadInput(args), index: granted(grant) }),
  );

  defineTool(
    server,
    deps,
    "get_status",
    {
      description: "The ingestion status of a document (completed, failed with the failing step and why, or pending).",
      inputSchema: TOOL_INPUTS.get_status,
      annotations: readOnly,
    },
    reads,
    async (args, grant) => jsonResult(await getUploadStatus(ctx, granted(grant), validateDocumentId(args.documentId))),
  );

  defineTool(
    server,
    deps,
    "list_documents",
    {
      description: "One page of an index's documents; pass nextCursor as cursor for the next page.",
      inputSchema: TOOL_INPUTS.list_documents,
      annotations: readOnly,
    },
    reads,
    async (args, grant) => {
      const index = granted(grant);
      const cursor = args.cursor ? validateDocumentId(args.cursor) : undefined;
      const page = await listDocuments(ctx, index, { ...(cursor ? { cursor } : {}), limit: args.limit });
      return jsonResult({ index, documents: page.documents, nextCursor: page.nextCursor });
    },
  );

  defineTool(
    server,
    deps,
    "delete_document",
    {
      description: "Delete a document and everything derived from it. Deleting a missing document is not an error.",
      inputSchema: TOOL_INPUTS.delete_document,
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    writes,
    async (args, grant) => {
      const index = granted(grant);
      const documentId = validateDocumentId(args.documentId);
      await deleteDocumentById(ctx.db, index, documentId);
      return jsonResult({ index, documentId, message: "Document deleted" });
    },
  );

  defineTool(
    server,
    deps,
    "evaluate",
    {
      description:
        "Measure search on judged queries ({query, relevant: [documentId]} objects, JSONL, or TREC qrels + topics): nDCG@10, recall@10, MRR@10 and p50 per mode (hybrid, vector, text, the index's settings) and per query. tune: also try a grid of ranking settings; apply: store the best as the index's settings (needs write).",
      inputSchema: EvaluateToolInput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    // `apply: true` stores the tuned settings: it needs write, decided before the tool runs.
    indexed("read", "index", { raisedBy: { input: "apply", scope: "write" } }),
    async (args, grant) => {
      const input = { ...evaluateInput(args.index, args), index: granted(grant) };
      return jsonResult(await evaluateIndex(ctx, input));
    },
  );

  defineTool(
    server,
    deps,
    "list_indexes",
    { description: "The indexes this key can see.", annotations: readOnly },
    indexFree("read"),
    async (_args, grant) => {
      const names = await listIndexNames(ctx.reader ?? ctx.db);
      return jsonResult({ results: names.filter(grant.sees).map((name) => ({ name })) });
    },
  );
}

async function upload(deps: McpDeps, input: UploadInput): Promise<CallToolResult> {
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

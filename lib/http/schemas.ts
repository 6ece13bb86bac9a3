/**
 * @module
 * Response schemas of the memory API, Kernel Memory's wire shapes (`swagger.json`
 * of its web service), documented at `GET /openapi.json`, and the ProblemDetails
 * each route may answer. The request schemas live in lib/contract/requests.ts
 * (the MCP tools take them too) and are re-exported here for the routes.
 */
import { z } from "@hono/zod-openapi";
import type { Citation, DataPipelineStatus, DocumentSummary, MemoryAnswer, SearchResult } from "../memory/types.js";

export {
  DocumentQuery,
  IndexQuery,
  ListDocumentsQuery,
  MAX_QUERY_CHARS,
  MAX_TEXT_CHARS,
  MemoryQuery,
  SearchQuery,
  TextUpload,
} from "../contract/requests.js";

// ---- responses --------------------------------------------------------------------------------------------------

export const TagsSchema = z.record(z.string(), z.array(z.string())).openapi("Tags");

export const ProblemDetails = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
  })
  .openapi("ProblemDetails");

export const UploadAccepted = z
  .object({ index: z.string(), documentId: z.string(), message: z.string() })
  .openapi("UploadAccepted");

export const DeleteAccepted = z
  .object({ index: z.string(), documentId: z.string(), message: z.string() })
  .openapi("DeleteAccepted");

export const DataPipelineStatusSchema = z
  .object({
    completed: z.boolean(),
    failed: z.boolean(),
    empty: z.boolean().openapi({
      description:
        "true when the document completed but holds no text (an empty file, a scan or image with OCR off or unavailable, an image OCR found no text in): it is not searchable, and `explanation` says why. Kernel Memory's client treats a document as ready only when `completed` and not `empty`.",
    }),
    index: z.string(),
    document_id: z.string(),
    tags: TagsSchema,
    creation: z.string(),
    last_update: z.string(),
    steps: z.array(z.string()),
    remaining_steps: z.array(z.string()),
    completed_steps: z.array(z.string()),
    error: z.object({ step: z.string(), message: z.string() }).nullish(),
    processing: z
      .object({
        state: z.enum(["queued", "running", "done", "failed"]),
        current_step: z.string().nullable(),
        attempts: z.number().int(),
        max_attempts: z.number().int(),
        last_error: z.string().nullable(),
        next_attempt_at: z.string().nullable().openapi({ description: "Queued: when the job is due next" }),
        lease_expires_at: z
          .string()
          .nullable()
          .openapi({ description: "Running: when another run may take the job over if this one stopped" }),
      })
      .nullish()
      .openapi({ description: "Not in Kernel Memory: the ingestion job behind this status" }),
    explanation: z.string().optional().openapi({
      description: "Not in Kernel Memory: why the document is (not yet) done, in one sentence",
      example: "Attempt 2 of 5 failed at step extract: fetch failed. Retrying step extract; next try at …",
    }),
  })
  .openapi("DataPipelineStatus");

export const PartitionSchema = z
  .object({
    text: z.string(),
    relevance: z.number(),
    partitionNumber: z.number().int(),
    sectionNumber: z.number().int(),
    lastUpdate: z.string(),
    tags: TagsSchema,
  })
  .openapi("Partition");

export const CitationSchema = z
  .object({
    link: z.string(),
    index: z.string(),
    documentId: z.string(),
    fileId: z.string(),
    sourceContentType: z.string(),
    sourceName: z.string(),
    sourceUrl: z.string().nullable(),
    partitions: z.array(PartitionSchema),
  })
  .openapi("Citation");

export const SearchResultSchema = z
  .object({ query: z.string(), noResult: z.boolean(), results: z.array(CitationSchema) })
  .openapi("SearchResult");

export const TokenUsageSchema = z
  .object({
    timestamp: z.string(),
    serviceType: z.string(),
    modelType: z.string(),
    modelName: z.string(),
    tokenizerTokensIn: z.number().optional(),
    tokenizerTokensOut: z.number().optional(),
    serviceTokensIn: z.number().optional(),
    serviceTokensOut: z.number().optional(),
  })
  .openapi("TokenUsage");

export const MemoryAnswerSchema = z
  .object({
    streamState: z.enum(["reset", "append", "last", "error"]).optional(),
    question: z.string(),
    noResult: z.boolean(),
    noResultReason: z.string().nullable(),
    text: z.string(),
    tokenUsage: z.array(TokenUsageSchema),
    relevantSources: z.array(CitationSchema),
  })
  .openapi("MemoryAnswer");

export const IndexCollection = z
  .object({ results: z.array(z.object({ name: z.string() })) })
  .openapi("IndexCollection");

export const DocumentSummarySchema = z
  .object({
    index: z.string(),
    documentId: z.string(),
    tags: TagsSchema,
    completed: z.boolean(),
    failed: z.boolean(),
    files: z.array(z.object({ fileId: z.string(), name: z.string(), contentType: z.string(), size: z.number() })),
    creation: z.string(),
    lastUpdate: z.string(),
  })
  .openapi("DocumentSummary");

export const DocumentList = z
  .object({ index: z.string(), documents: z.array(DocumentSummarySchema), nextCursor: z.string().nullable() })
  .openapi("DocumentList");

/** The error responses every memory route can give, for the OpenAPI document. */
export function problems(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: "Invalid input",
    401: "Missing or invalid API key",
    403: "The API key's scope does not allow this",
    404: "Not found",
    413: "Upload too large",
    415: "Unsupported content type",
    503: "Database temporarily unavailable",
  };
  return Object.fromEntries(
    [...statuses, 401, 503].map((s) => [
      s,
      {
        description: descriptions[s] ?? "Error",
        content: { "application/problem+json": { schema: ProblemDetails } },
      },
    ]),
  );
}

/*
 * The response schemas restate the domain's shapes for OpenAPI; these checks tie each to its domain type so the
 * two cannot drift: a field added to, removed from or retyped in `lib/memory/types.ts` fails the typecheck here.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const tied = <_T extends true>() => undefined;
tied<Same<z.output<typeof DataPipelineStatusSchema>, DataPipelineStatus>>();
tied<Same<z.output<typeof CitationSchema>, Citation>>();
tied<Same<z.output<typeof SearchResultSchema>, SearchResult>>();
tied<Same<z.output<typeof MemoryAnswerSchema>, MemoryAnswer>>();
tied<Same<z.output<typeof DocumentSummarySchema>, DocumentSummary>>();

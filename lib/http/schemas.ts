/**
 * @module
 * Request and response schemas of the memory API, Kernel Memory's wire shapes
 * (`swagger.json` of its web service): they validate requests at the edge and
 * document the API at `GET /openapi.json`. Request schemas accept what KM's
 * .NET client sends (`"index": null`, `"filters": [{}]`, `"limit": -1`) and
 * ignore unknown properties; deeper rules (index names, filters) live in
 * `lib/memory/validate.ts` so the CLI and jobs share them.
 */
import { z } from "@hono/zod-openapi";
import {
  type Citation,
  type DataPipelineStatus,
  type DocumentSummary,
  MAX_QUESTION_CHARS,
  type MemoryAnswer,
  type SearchResult,
} from "../memory/types.js";

/** Search queries: generous for real use, small enough to bound embedding cost. */
export const MAX_QUERY_CHARS = 10_000;
/** Inline text uploads (`POST /upload` with JSON); files go through multipart. */
export const MAX_TEXT_CHARS = 5_000_000;

const noNul = (s: string) => !s.includes("\u0000");
const text = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).refine(noNul, "must not contain NUL characters");

const IndexParam = z
  .string()
  .max(256)
  .nullish()
  .openapi({ description: "Index name; empty or missing means `default`. Normalised the Kernel Memory way." });

const Args = z.record(z.string(), z.unknown()).nullish().openapi({ description: "Per-request options." });

const Filters = z
  .unknown()
  .optional()
  .openapi({
    type: "array",
    items: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
    description:
      'Kernel Memory filters: `[{ "key": ["value"] }]`; tags inside a filter are AND-ed, filters are OR-ed; `[{}]` matches all. Extensions: `$not`, `$range`.',
    example: [{ user: ["ann"] }],
  });

const MinRelevance = z
  .number()
  .min(-1, "must be between -1 and 1")
  .max(1, "must be between -1 and 1")
  .nullish()
  .openapi({ description: "Lowest relevance (cosine similarity) to return; default 0." });

export const SearchQuery = z
  .object({
    index: IndexParam,
    query: text(MAX_QUERY_CHARS).nullish(),
    filters: Filters,
    minRelevance: MinRelevance,
    limit: z
      .number()
      .int("must be an integer")
      .nullish()
      .openapi({ description: "Max results; -1, 0 or missing mean the configured maximum, larger values are capped." }),
    args: Args,
  })
  .openapi("SearchQuery");

export const MemoryQuery = z
  .object({
    index: IndexParam,
    question: text(MAX_QUESTION_CHARS).refine((s) => s.trim() !== "", "must not be empty"),
    filters: Filters,
    minRelevance: MinRelevance,
    stream: z.boolean().nullish().openapi({ description: "Answer as server-sent events of MemoryAnswer." }),
    args: Args,
  })
  .openapi("MemoryQuery");

export const TextUpload = z
  .object({
    index: IndexParam,
    documentId: z.string().max(256).nullish(),
    text: z.string().max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`).nullish(),
    url: z.string().max(4096).nullish(),
    tags: z.record(z.string(), z.unknown()).nullish(),
    steps: z.array(z.string().max(64)).max(20).nullish(),
    args: Args,
  })
  .openapi("TextUpload");

export const DocumentQuery = z.object({
  index: IndexParam,
  documentId: z.string({ error: "is required" }).max(256).openapi({ description: "The document's id." }),
});

export const IndexQuery = z.object({ index: IndexParam });

export const ListDocumentsQuery = z.object({
  index: IndexParam,
  cursor: z.string().max(256).optional().openapi({ description: "`nextCursor` of the previous page." }),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(1, "must be between 1 and 100")
    .max(100, "must be between 1 and 100")
    .default(20),
});

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
    empty: z.boolean(),
    index: z.string(),
    document_id: z.string(),
    tags: TagsSchema,
    creation: z.string(),
    last_update: z.string(),
    steps: z.array(z.string()),
    remaining_steps: z.array(z.string()),
    completed_steps: z.array(z.string()),
    error: z.object({ step: z.string(), message: z.string() }).nullish(),
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

/**
 * @module
 * The memory API's request shapes, Kernel Memory's wire shapes (`swagger.json` of its web service), shared by both
 * edges: the HTTP routes validate bodies and queries with them (and document them at `GET /openapi.json`), the MCP
 * tools take them as their input schemas. They accept what KM's .NET client sends (`"index": null`,
 * `"filters": [{}]`, `"limit": -1`) and ignore unknown properties; deeper rules (index names, filters) live in
 * `lib/contract/validate.ts`.
 */
import { z } from "@hono/zod-openapi";
import { MAX_QUESTION_CHARS } from "../memory/types.js";

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

/** A listing's page size (`limit`): 1 to 100, `fallback` when absent. */
export const pageLimit = (fallback: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(1, "must be between 1 and 100")
    .max(100, "must be between 1 and 100")
    .default(fallback);

const Args = z.record(z.string(), z.unknown()).nullish().openapi({ description: "Per-request options." });

const Filters = z
  .unknown()
  .optional()
  .openapi({
    type: "array",
    items: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
    description:
      'Kernel Memory filters: `[{ "key": ["value"] }]`; tags inside a filter are AND-ed, filters are OR-ed; `[{}]` matches all. Keys may be KM\'s system tags every partition carries (`__document_id`, `__file_id`, `__file_part`, `__part_n`, `__sect_n`, `__file_type`, `__synth`; ours: `__sect_name`, the name of an XLSX worksheet), e.g. `[{ "__document_id": ["doc-1"] }]`. Extensions: `$not`, `$range`.',
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

/** One line of `POST /upload/bulk` (NDJSON): a text upload whose documentId is required and that takes no args. */
export const BulkUploadLine = TextUpload.omit({ args: true })
  .extend({ documentId: z.string({ error: "is required" }).min(1, "is required").max(256) })
  .openapi("BulkUploadLine", {
    description:
      "One line of the NDJSON body: exactly one of `text` and `url`; `index`, when given, must name the request's `?index=`.",
  });

export const DocumentQuery = z.object({
  index: IndexParam,
  documentId: z.string({ error: "is required" }).max(256).openapi({ description: "The document's id." }),
});

export const IndexQuery = z.object({ index: IndexParam });

/** `GET|PATCH /documents/{documentId}`: the document's id in the path. */
export const DocumentPath = z.object({
  documentId: z
    .string()
    .max(256)
    .openapi({ param: { name: "documentId", in: "path" }, example: "doc-1" }),
});

/** `GET /documents/{documentId}`: the index, and which of the document's chunks (file, then partition order). */
export const DocumentDetailQuery = z.object({
  index: IndexParam,
  offset: z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(0, "must be 0 or more")
    .max(1_000_000, "must be at most 1000000")
    .default(0)
    .openapi({ description: "`nextOffset` of the previous page; the first chunk is 0." }),
  limit: pageLimit(20),
});

/** `PATCH /documents/{documentId}`: the document's new user tags, checked as upload tags are (no `__` keys). */
export const TagsPatch = z
  .object({
    tags: z.record(z.string(), z.unknown()).openapi({
      description: 'All of the document\'s user tags after the change, `{ "key": ["value"] }`; `{}` removes them.',
      example: { team: ["search"], year: ["2026"] },
    }),
  })
  .openapi("TagsPatch");

export const ListDocumentsQuery = z.object({
  index: IndexParam,
  cursor: z.string().max(256).optional().openapi({ description: "`nextCursor` of the previous page." }),
  limit: pageLimit(20),
});

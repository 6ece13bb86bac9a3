/**
 * @module
 * The wire types of the client, derived from the zod schemas the server validates with and documents at
 * `GET /openapi.json` (lib/contract, lib/http/schemas.ts, the route schemas). Every import here is `import type`:
 * TypeScript erases them, so the client bundle carries no server code and no zod, yet a field added to, renamed in
 * or retyped in a server schema changes these types (and fails the typecheck of any caller that no longer fits).
 * Requests are the schemas' input types (what the server accepts), responses their output types (what it sends).
 */
import type { z } from "zod";
import type { EvaluateRequest, IndexSettingsSchema, SettingsPatch } from "../../contract/evaluate.js";
import type { MemoryQuery, SearchQuery, TextUpload } from "../../contract/requests.js";
import type { ApiKeySchema, CreatedKey, KeyCreate } from "../../http/routes/keys/schemas.js";
import type { EvaluationReportSchema } from "../../http/routes/memory/evaluate-schemas.js";
import type { SourceCreate, SourceList, SourceSchema, SyncAccepted } from "../../http/routes/sources/schemas.js";
import type {
  CitationSchema,
  DataPipelineStatusSchema,
  DeleteAccepted as DeleteAcceptedSchema,
  DocumentList,
  DocumentSummarySchema,
  IndexCollection,
  MemoryAnswerSchema,
  PartitionSchema,
  ProblemDetails as ProblemDetailsSchema,
  SearchResultSchema,
  UploadAccepted as UploadAcceptedSchema,
} from "../../http/schemas.js";

/** `{ "key": ["value", …] }`, Kernel Memory's tag collection. */
export type Tags = Record<string, string[]>;
/** Kernel Memory filters: tags inside one filter are AND-ed, the filters of a list are OR-ed. */
export type MemoryFilter = Record<string, string[]>;

export type SearchRequest = Omit<z.input<typeof SearchQuery>, "filters"> & { filters?: MemoryFilter[] };
export type AskRequest = Omit<z.input<typeof MemoryQuery>, "filters" | "stream"> & { filters?: MemoryFilter[] };
export type TextUploadRequest = z.input<typeof TextUpload>;

export type Partition = z.output<typeof PartitionSchema>;
export type Citation = z.output<typeof CitationSchema>;
export type SearchResult = z.output<typeof SearchResultSchema>;
export type MemoryAnswer = z.output<typeof MemoryAnswerSchema>;
export type DataPipelineStatus = z.output<typeof DataPipelineStatusSchema>;
export type UploadAccepted = z.output<typeof UploadAcceptedSchema>;
export type DeleteAccepted = z.output<typeof DeleteAcceptedSchema>;
export type IndexList = z.output<typeof IndexCollection>;
export type DocumentSummary = z.output<typeof DocumentSummarySchema>;
export type DocumentPage = z.output<typeof DocumentList>;
export type EvaluateBody = z.input<typeof EvaluateRequest>;
export type EvaluationReport = z.output<typeof EvaluationReportSchema>;
export type IndexSettings = z.output<typeof IndexSettingsSchema>;
export type IndexSettingsPatch = z.input<typeof SettingsPatch>;
export type SourceInput = z.input<typeof SourceCreate>;
export type Source = z.output<typeof SourceSchema>;
export type SourcePage = z.output<typeof SourceList>;
export type SourceSyncAccepted = z.output<typeof SyncAccepted>;
export type ApiKeyInput = z.input<typeof KeyCreate>;
export type ApiKey = z.output<typeof ApiKeySchema>;
export type CreatedApiKey = z.output<typeof CreatedKey>;
/** RFC 7807 body; extensions (such as `errors`) ride along as extra members. */
export type ProblemBody = z.output<typeof ProblemDetailsSchema> & { errors?: unknown; [extension: string]: unknown };

/**
 * One line of `POST /upload/bulk` (`application/x-ndjson`): a document given by its text or a URL to fetch.
 * The route is declared in the bulk-upload work; this shape follows its specification.
 */
export type BulkItem = {
  documentId: string;
  index?: string;
  tags?: Tags;
  steps?: string[];
} & ({ text: string; url?: never } | { url: string; text?: never });
export type BulkAccepted = { documents: Array<{ index: string; documentId: string }>; count: number };

/**
 * `GET /documents/{documentId}`: the document's status, tags, files and a page of its extracted chunks. The route
 * is being added alongside this client; until its schema is on main, this is the shape the client reads, loosely.
 */
export type DocumentDetail = DocumentSummary & {
  chunks?: Array<{ text: string; partitionNumber: number; sectionNumber: number; [key: string]: unknown }>;
  nextCursor?: string | null;
  [key: string]: unknown;
};

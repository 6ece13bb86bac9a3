/**
 * @module
 * The memory service's shapes. Names and casing follow Kernel Memory's web
 * service (`swagger.json`) so its clients read them unchanged: camelCase for
 * search/ask, snake_case for the pipeline status.
 */

/*
 * SERVICE VERBS (the contract for the HTTP edge and ask; signatures are final):
 * Service verbs (implemented by the lead in lib/memory/*.ts; import them from "lib/memory/index.js"):
 * ```ts
 * uploadDocument(ctx: MemoryContext, input: UploadInput): Promise<{ index: string; documentId: string }>
 *   // stores files + status (index created on first upload), schedules processing via ctx.waitUntil; re-upload replaces.
 * getUploadStatus(ctx: MemoryContext, index: string, documentId: string): Promise<DataPipelineStatus> // throws NotFoundError
 * searchMemory(ctx: MemoryContext, input: SearchInput): Promise<SearchResult>   // missing index -> empty results
 * listIndexes(ctx: MemoryContext): Promise<Array<{ name: string }>>
 * deleteIndex(ctx: MemoryContext, index: string): Promise<void>              // missing -> no-op
 * deleteDocument(ctx: MemoryContext, index: string, documentId: string): Promise<void>  // missing -> no-op
 * listDocuments(ctx: MemoryContext, index: string, page: { cursor?: string; limit: number }): Promise<{ documents: DocumentSummary[]; nextCursor: string | null }>
 * askMemory(ctx: MemoryContext, input: AskInput): Promise<MemoryAnswer>       // lib/memory/ask.ts
 * streamAnswer(ctx: MemoryContext, input: AskInput): AsyncIterable<MemoryAnswer> // lib/memory/ask.ts; yields reset/append.../last (or error)
 * ```
 * All types (MemoryContext, UploadInput, SearchInput, AskInput, DataPipelineStatus, Citation, Partition, MemoryAnswer, Tags, MemoryFilter, PipelineStep, DEFAULT_STEPS, NO_ANSWER_TEXT) are in lib/memory/types.ts — read it first.
 * Errors are in lib/errors.ts (ValidationError, NotFoundError, ConflictError, PayloadTooLarge) and are mapped to HTTP by name ONCE in lib/http/errors.ts (ValidationError→400, NotFoundError→404, PayloadTooLarge→413, UnsupportedContentType→415, ExtractionFailed→422, DatabaseUnavailable→503+Retry-After). Never build HTTP responses for these inside lib/memory.
 */
import type { Embedder, TextGenerator } from "../ai/types.js";
import type { Config } from "../config/env.js";
import type { Db } from "../db/index.js";

/** `{ key: [values] }`, as Kernel Memory serialises a TagCollection. */
export type Tags = Record<string, string[]>;

/**
 * A filter: every tag listed must be present (AND); a list of filters is OR-ed.
 * Extensions that Kernel Memory clients never send: `$not` (none of these tags)
 * and `$range` (`{ key: { gt?, gte?, lt?, lte? } }`, numeric when both sides are
 * numbers, else lexical, so ISO dates work).
 */
export type MemoryFilter = Record<string, unknown>;

export type PipelineStep = "extract" | "partition" | "gen_embeddings" | "save_records";
export const DEFAULT_STEPS: readonly PipelineStep[] = ["extract", "partition", "gen_embeddings", "save_records"];

export type UploadFile = { name: string; bytes: Uint8Array; contentType?: string };

export type UploadInput = {
  index: string;
  documentId: string;
  files: UploadFile[];
  tags: Tags;
  steps: PipelineStep[];
  /** Per-request options, e.g. Kernel Memory's `custom_partitioning_*` keys. */
  args?: Record<string, unknown>;
};

export type DataPipelineStatus = {
  completed: boolean;
  failed: boolean;
  empty: boolean;
  index: string;
  document_id: string;
  tags: Tags;
  creation: string;
  last_update: string;
  steps: string[];
  remaining_steps: string[];
  completed_steps: string[];
  /** Set when `failed`: which step failed and why, readable. */
  error?: { step: string; message: string } | null;
};

export type Partition = {
  text: string;
  relevance: number;
  partitionNumber: number;
  sectionNumber: number;
  lastUpdate: string;
  tags: Tags;
};

export type Citation = {
  link: string;
  index: string;
  documentId: string;
  fileId: string;
  sourceContentType: string;
  sourceName: string;
  sourceUrl: string | null;
  partitions: Partition[];
};

export type SearchInput = {
  index: string;
  query: string;
  filters: MemoryFilter[];
  minRelevance: number;
  /** Already resolved: 1..max. */
  limit: number;
  args?: Record<string, unknown>;
};

export type SearchResult = { query: string; noResult: boolean; results: Citation[] };

export type TokenUsage = {
  timestamp: string;
  serviceType: string;
  modelType: string;
  modelName: string;
  tokenizerTokensIn?: number;
  tokenizerTokensOut?: number;
  serviceTokensIn?: number;
  serviceTokensOut?: number;
};

export type MemoryAnswer = {
  streamState?: "reset" | "append" | "last" | "error";
  question: string;
  noResult: boolean;
  noResultReason: string | null;
  text: string;
  tokenUsage: TokenUsage[];
  relevantSources: Citation[];
};

export type AskInput = {
  index: string;
  question: string;
  filters: MemoryFilter[];
  minRelevance: number;
  args?: Record<string, unknown>;
};

export type DocumentSummary = {
  index: string;
  documentId: string;
  tags: Tags;
  completed: boolean;
  failed: boolean;
  files: Array<{ fileId: string; name: string; contentType: string; size: number }>;
  creation: string;
  lastUpdate: string;
};

/** Everything a memory verb needs, passed as one object. */
export type MemoryContext = {
  db: Db;
  config: Config;
  embedder: Embedder;
  generator?: TextGenerator;
  /** Keeps background work alive after the response (Workers' `waitUntil`). */
  waitUntil(promise: Promise<unknown>): void;
};

export const NO_ANSWER_TEXT = "INFO NOT FOUND";

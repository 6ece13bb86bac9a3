/**
 * @module
 * The memory service: Kernel-Memory-style verbs over the one database handle.
 * Framework-free; HTTP, cron and CLI are thin adapters over these.
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
export { askMemory, streamAnswer } from "./ask.js";
export { deleteDocument, listDocuments } from "./documents.js";
export { deleteIndex, listIndexes } from "./indexes.js";
export { searchMemory } from "./search.js";
export { getUploadStatus } from "./status.js";
export * from "./types.js";
export { uploadDocument } from "./upload.js";
export {
  normalizeIndexName,
  parseTag,
  validateDocumentId,
  validateFilters,
  validateTags,
} from "./validate.js";

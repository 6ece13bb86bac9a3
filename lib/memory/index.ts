/**
 * @module
 * The memory service: Kernel-Memory-style verbs over the one database handle.
 * Framework-free; HTTP, cron and CLI are thin adapters over these.
 */

/*
 * The verbs, each taking first the part of the MemoryContext it uses (Reading, Searching, Answering):
 *   getUploadStatus(ctx, index, documentId) -> DataPipelineStatus   NotFoundError when unknown
 *   searchMemory(ctx, SearchInput) -> SearchResult                 a missing index has no results
 *   askMemory(ctx, AskInput) -> MemoryAnswer; streamAnswer(ctx, AskInput) -> AsyncIterable<MemoryAnswer>
 *   listIndexes / deleteIndex / deleteDocument / listDocuments     deletes of missing things are no-ops
 *   readDocumentFile(ctx, index, documentId, file?) -> StoredFile   the original bytes (NotFoundError)
 * Errors carry no HTTP; lib/http/errors.ts maps them by name.
 */
export { askMemory, streamAnswer } from "./ask.js";
export { deleteDocument, listDocuments } from "./documents.js";
export { readDocumentFile, type StoredFile } from "./download.js";
export { deleteIndex, listIndexes } from "./indexes.js";
export { searchMemory } from "./search.js";
export { getUploadStatus } from "./status.js";
export * from "./types.js";

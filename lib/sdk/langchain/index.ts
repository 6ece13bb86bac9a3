/**
 * @module
 * `serverless-memory/langchain`: a `BaseRetriever` and a `VectorStore` over the service, for LangChain.js
 * (peer dependency `@langchain/core` 1.x). Embeddings and ranking happen on the service.
 */
export { type MemoryDocumentMetadata, tagsFromMetadata, toDocuments } from "./documents.js";
export { ServerlessMemoryRetriever, type ServerlessMemoryRetrieverInput } from "./retriever.js";
export {
  type ServerlessMemoryFilter,
  ServerlessMemoryVectorStore,
  type ServerlessMemoryVectorStoreInput,
  ServiceSideEmbeddings,
} from "./vector-store.js";

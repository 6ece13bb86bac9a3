/**
 * @module
 * The AI layer: embedders and text generators behind small interfaces, and
 * their construction from the environment.
 */

export type { AiEnv, AiSettings, EmbeddingProviderName, GenerationProviderName } from "./config.js";
export { createEmbedder, createEmbedderFromEnv, createGenerator, createGeneratorFromEnv } from "./config.js";
export { AiConfigError, EmbeddingFailed, GenerationFailed } from "./errors.js";
export type { HttpRerankerOptions } from "./http-reranker.js";
export { createHttpReranker } from "./http-reranker.js";
export type { OfflineEmbedderOptions } from "./offline-embedder.js";
export { createOfflineEmbedder, hashEmbedding } from "./offline-embedder.js";
export type { OpenAICompatibleEmbedderOptions } from "./openai-embedder.js";
export { createOpenAICompatibleEmbedder } from "./openai-embedder.js";
export type { OpenAICompatibleGeneratorOptions } from "./openai-generator.js";
export { createOpenAICompatibleGenerator } from "./openai-generator.js";
export type { Reranker } from "./reranker.js";
export { RerankFailed } from "./reranker.js";
export type { RerankEnv, RerankSettings } from "./reranker-config.js";
export { createReranker, createRerankerFromEnv } from "./reranker-config.js";
export type { RetryPolicy } from "./retry.js";
export type { Embedder, GenerateRequest, TextGenerator, TextStream, TokenUsage } from "./types.js";
export type { WorkersAIBinding } from "./workers-ai-binding.js";
export type { WorkersAIEmbedderOptions } from "./workers-ai-embedder.js";
export { createWorkersAIEmbedder } from "./workers-ai-embedder.js";
export type { WorkersAIGeneratorOptions } from "./workers-ai-generator.js";
export { createWorkersAIGenerator } from "./workers-ai-generator.js";
export type { WorkersAIRerankerOptions } from "./workers-ai-reranker.js";
export { createWorkersAIReranker } from "./workers-ai-reranker.js";

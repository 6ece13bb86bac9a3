/**
 * @module
 * Builds the embedder and the text generator the configuration names. The variables are validated by the
 * one schema (lib/config, `AI_VARS`): a provider without its model or endpoint never gets here. What only
 * the runtime can tell — whether the Workers AI binding exists, how big an unknown model's vectors are —
 * fails here with an `AiConfigError`, at startup, rather than on the first request. Defaults: the offline
 * embedder (384 dimensions) and no generator (the service then answers extractively).
 */
import { type Config, parseConfig } from "../config/env.js";
import { AiConfigError } from "./errors.js";
import { createOfflineEmbedder, OFFLINE_EMBEDDERS, type OfflineEmbedderId } from "./offline-embedder.js";
import { createOpenAICompatibleEmbedder } from "./openai-embedder.js";
import { createOpenAICompatibleGenerator } from "./openai-generator.js";
import type { Embedder, TextGenerator } from "./types.js";
import { isWorkersAIBinding, type WorkersAIBinding } from "./workers-ai-binding.js";
import { createWorkersAIEmbedder } from "./workers-ai-embedder.js";
import { createWorkersAIGenerator } from "./workers-ai-generator.js";

export type EmbeddingProviderName = Config["EMBEDDING_PROVIDER"];
export type GenerationProviderName = Config["GENERATION_PROVIDER"];

/** The parsed variables the embedder and the generator are built from. */
export type AiSettings = Pick<
  Config,
  | "EMBEDDING_PROVIDER"
  | "EMBEDDING_MODEL"
  | "EMBEDDING_DIMENSIONS"
  | "GENERATION_PROVIDER"
  | "GENERATION_MODEL"
  | "OPENAI_BASE_URL"
  | "OPENAI_API_KEY"
>;

/** Raw variables plus the Workers AI binding (`env.AI`), for callers that hold no parsed configuration. */
export type AiEnv = Record<string, unknown> & { AI?: unknown };

/** Native output sizes, so the usual models need no `EMBEDDING_DIMENSIONS`. */
const KNOWN_DIMENSIONS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
  "@cf/baai/bge-small-en-v1.5": 384,
  "@cf/baai/bge-base-en-v1.5": 768,
  "@cf/baai/bge-large-en-v1.5": 1024,
  "@cf/baai/bge-m3": 1024,
  "@cf/google/embeddinggemma-300m": 768,
};

const WORKERS_AI_EMBEDDING_MODEL = "@cf/baai/bge-small-en-v1.5";

/** `binding` is the Workers AI binding (`env.AI`), needed by the `workers-ai` provider only. */
export function createEmbedder(settings: AiSettings, binding?: unknown): Embedder {
  const model = settings.EMBEDDING_MODEL;
  const explicitDimensions = settings.EMBEDDING_DIMENSIONS;
  switch (settings.EMBEDDING_PROVIDER) {
    case "offline":
      return createOfflineEmbedder({
        dimensions: explicitDimensions ?? 384,
        ...(model ? { id: model as OfflineEmbedderId } : {}),
      });
    case "openai": {
      const openaiModel = required(model, "EMBEDDING_MODEL");
      return createOpenAICompatibleEmbedder({
        baseURL: required(settings.OPENAI_BASE_URL, "OPENAI_BASE_URL"),
        apiKey: settings.OPENAI_API_KEY,
        model: openaiModel,
        dimensions: dimensionsFor(openaiModel, explicitDimensions),
        // Only text-embedding-3 is known to shorten on request; other servers may reject the field.
        requestDimensions: explicitDimensions !== undefined && openaiModel.startsWith("text-embedding-3"),
      });
    }
    case "workers-ai": {
      const workersModel = model ?? WORKERS_AI_EMBEDDING_MODEL;
      return createWorkersAIEmbedder({
        binding: requireBinding(binding, "EMBEDDING_PROVIDER=workers-ai"),
        model: workersModel,
        dimensions: dimensionsFor(workersModel, explicitDimensions),
      });
    }
  }
}

/** For scripts and tests that hold raw variables: parses them with the one schema first. */
export function createEmbedderFromEnv(env: AiEnv): Embedder {
  return createEmbedder(parseConfig(env), env.AI);
}

/**
 * With the offline provider and neither `EMBEDDING_MODEL` nor `EMBEDDING_DIMENSIONS` set, a database made by another
 * offline embedder (an earlier default) keeps being
 * served by it (its vectors were made by it), so a new default never locks an existing database out; move it
 * to the new one with `npm run reembed`. Any other configuration is returned unchanged.
 */
export function followStoredOfflineSpace(
  settings: AiSettings,
  embedder: Embedder,
  stored: { id: string; dimensions: number } | undefined,
): Embedder {
  const explicit = settings.EMBEDDING_MODEL !== undefined || settings.EMBEDDING_DIMENSIONS !== undefined;
  if (settings.EMBEDDING_PROVIDER !== "offline" || explicit || !stored) return embedder;
  if (stored.id === embedder.id && stored.dimensions === embedder.dimensions) return embedder;
  if (!(OFFLINE_EMBEDDERS as readonly string[]).includes(stored.id)) return embedder;
  return createOfflineEmbedder({ id: stored.id as OfflineEmbedderId, dimensions: stored.dimensions });
}

export function createGenerator(settings: AiSettings, binding?: unknown): TextGenerator | undefined {
  const model = settings.GENERATION_MODEL;
  switch (settings.GENERATION_PROVIDER) {
    case "none":
      return undefined;
    case "openai":
      return createOpenAICompatibleGenerator({
        baseURL: required(settings.OPENAI_BASE_URL, "OPENAI_BASE_URL"),
        apiKey: settings.OPENAI_API_KEY,
        model: required(model, "GENERATION_MODEL"),
      });
    case "workers-ai":
      return createWorkersAIGenerator({
        binding: requireBinding(binding, "GENERATION_PROVIDER=workers-ai"),
        ...(model ? { model } : {}),
      });
  }
}

/** For scripts and tests that hold raw variables: parses them with the one schema first. */
export function createGeneratorFromEnv(env: AiEnv): TextGenerator | undefined {
  return createGenerator(parseConfig(env), env.AI);
}

/** The schema requires these for the provider; a caller that built its settings by hand still gets a clear error. */
function required(value: string | undefined, name: string): string {
  if (!value) throw new AiConfigError(`${name} must be set for this provider`);
  return value;
}

function requireBinding(value: unknown, because: string): WorkersAIBinding {
  if (!isWorkersAIBinding(value)) {
    throw new AiConfigError(`the Workers AI binding "AI" must be configured (wrangler [ai] binding) when ${because}`);
  }
  return value;
}

function dimensionsFor(model: string, explicit: number | undefined): number {
  const dims = explicit ?? KNOWN_DIMENSIONS[model];
  if (dims === undefined) {
    throw new AiConfigError(`EMBEDDING_DIMENSIONS must be set for embedding model "${model}" (its size is not known)`);
  }
  return dims;
}

/**
 * @module
 * Picks the embedder and the text generator from environment variables and
 * bindings. Defaults: the offline embedder (384 dimensions) and no generator
 * (the service then answers extractively). Anything half-configured fails here
 * with an `AiConfigError`, at startup, rather than on the first request.
 *
 * | variable               | values                                    |
 * | ---------------------- | ----------------------------------------- |
 * | `EMBEDDING_PROVIDER`   | `offline` (default), `openai`, `workers-ai` |
 * | `EMBEDDING_MODEL`      | required for `openai`; `workers-ai` defaults to bge-small-en-v1.5 |
 * | `EMBEDDING_DIMENSIONS` | optional where the model is known (see below), else required |
 * | `GENERATION_PROVIDER`  | `none` (default), `openai`, `workers-ai`    |
 * | `GENERATION_MODEL`     | required for `openai`; `workers-ai` defaults to llama-3.1-8b-instruct |
 * | `OPENAI_BASE_URL`, `OPENAI_API_KEY` | for `openai` (the key may be absent for local servers) |
 * | `AI`                   | the Workers AI binding, for `workers-ai`   |
 */
import { AiConfigError } from "./errors.js";
import { createOfflineEmbedder, OFFLINE_EMBEDDERS, type OfflineEmbedderId } from "./offline-embedder.js";
import { createOpenAICompatibleEmbedder } from "./openai-embedder.js";
import { createOpenAICompatibleGenerator } from "./openai-generator.js";
import type { Embedder, TextGenerator } from "./types.js";
import { isWorkersAIBinding, type WorkersAIBinding } from "./workers-ai-binding.js";
import { createWorkersAIEmbedder } from "./workers-ai-embedder.js";
import { createWorkersAIGenerator } from "./workers-ai-generator.js";

export type EmbeddingProviderName = "offline" | "openai" | "workers-ai";
export type GenerationProviderName = "none" | "openai" | "workers-ai";

/** Loose on purpose: values come from `process.env` or wrangler vars, so they are validated here. */
export type AiEnv = {
  EMBEDDING_PROVIDER?: EmbeddingProviderName | (string & {});
  EMBEDDING_MODEL?: string;
  EMBEDDING_DIMENSIONS?: string | number;
  GENERATION_PROVIDER?: GenerationProviderName | (string & {});
  GENERATION_MODEL?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_API_KEY?: string;
  /** The Workers AI binding (`env.AI`); checked at runtime, so the full `Ai` type fits too. */
  AI?: unknown;
};

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

export function createEmbedderFromEnv(env: AiEnv): Embedder {
  const provider = blankToUndefined(env.EMBEDDING_PROVIDER) ?? "offline";
  const explicitDimensions = parseDimensions(env.EMBEDDING_DIMENSIONS);
  const model = blankToUndefined(env.EMBEDDING_MODEL);
  switch (provider) {
    case "offline":
      return createOfflineEmbedder({
        dimensions: explicitDimensions ?? 384,
        ...(model ? { id: model as OfflineEmbedderId } : {}),
      });
    case "openai": {
      const baseURL = requireValue(env.OPENAI_BASE_URL, "OPENAI_BASE_URL", "EMBEDDING_PROVIDER=openai");
      const openaiModel = requireValue(model, "EMBEDDING_MODEL", "EMBEDDING_PROVIDER=openai");
      return createOpenAICompatibleEmbedder({
        baseURL,
        apiKey: blankToUndefined(env.OPENAI_API_KEY),
        model: openaiModel,
        dimensions: dimensionsFor(openaiModel, explicitDimensions),
        // Only text-embedding-3 is known to shorten on request; other servers may reject the field.
        requestDimensions: explicitDimensions !== undefined && openaiModel.startsWith("text-embedding-3"),
      });
    }
    case "workers-ai": {
      const workersModel = model ?? WORKERS_AI_EMBEDDING_MODEL;
      return createWorkersAIEmbedder({
        binding: requireBinding(env.AI, "EMBEDDING_PROVIDER=workers-ai"),
        model: workersModel,
        dimensions: dimensionsFor(workersModel, explicitDimensions),
      });
    }
    default:
      throw new AiConfigError(
        `EMBEDDING_PROVIDER must be one of offline, openai, workers-ai; got "${String(provider)}"`,
      );
  }
}

/**
 * With the offline provider and neither `EMBEDDING_MODEL` nor `EMBEDDING_DIMENSIONS` set, a database made by another
 * offline embedder (an earlier default) keeps being
 * served by it (its vectors were made by it), so a new default never locks an existing database out; move it
 * to the new one with `npm run reembed`. Any other configuration is returned unchanged.
 */
export function followStoredOfflineSpace(
  env: AiEnv,
  embedder: Embedder,
  stored: { id: string; dimensions: number } | undefined,
): Embedder {
  const provider = blankToUndefined(env.EMBEDDING_PROVIDER) ?? "offline";
  const explicit = blankToUndefined(env.EMBEDDING_MODEL) || parseDimensions(env.EMBEDDING_DIMENSIONS) !== undefined;
  if (provider !== "offline" || explicit || !stored) return embedder;
  if (stored.id === embedder.id && stored.dimensions === embedder.dimensions) return embedder;
  if (!(OFFLINE_EMBEDDERS as readonly string[]).includes(stored.id)) return embedder;
  return createOfflineEmbedder({ id: stored.id as OfflineEmbedderId, dimensions: stored.dimensions });
}

export function createGeneratorFromEnv(env: AiEnv): TextGenerator | undefined {
  const provider = blankToUndefined(env.GENERATION_PROVIDER) ?? "none";
  const model = blankToUndefined(env.GENERATION_MODEL);
  switch (provider) {
    case "none":
      return undefined;
    case "openai":
      return createOpenAICompatibleGenerator({
        baseURL: requireValue(env.OPENAI_BASE_URL, "OPENAI_BASE_URL", "GENERATION_PROVIDER=openai"),
        apiKey: blankToUndefined(env.OPENAI_API_KEY),
        model: requireValue(model, "GENERATION_MODEL", "GENERATION_PROVIDER=openai"),
      });
    case "workers-ai":
      return createWorkersAIGenerator({
        binding: requireBinding(env.AI, "GENERATION_PROVIDER=workers-ai"),
        ...(model ? { model } : {}),
      });
    default:
      throw new AiConfigError(`GENERATION_PROVIDER must be one of none, openai, workers-ai; got "${String(provider)}"`);
  }
}

function blankToUndefined<T extends string>(value: T | undefined): T | undefined {
  return value === undefined || value.trim() === "" ? undefined : (value.trim() as T);
}

function requireValue(value: string | undefined, name: string, because: string): string {
  const v = blankToUndefined(value);
  if (!v) throw new AiConfigError(`${name} must be set when ${because}`);
  return v;
}

function requireBinding(value: unknown, because: string): WorkersAIBinding {
  if (!isWorkersAIBinding(value)) {
    throw new AiConfigError(`the Workers AI binding "AI" must be configured (wrangler [ai] binding) when ${because}`);
  }
  return value;
}

function parseDimensions(value: string | number | undefined): number | undefined {
  if (value === undefined || (typeof value === "string" && value.trim() === "")) return undefined;
  const n = typeof value === "number" ? value : Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || n > 16_000) {
    throw new AiConfigError(`EMBEDDING_DIMENSIONS must be a positive integer (at most 16000), got "${value}"`);
  }
  return n;
}

function dimensionsFor(model: string, explicit: number | undefined): number {
  const dims = explicit ?? KNOWN_DIMENSIONS[model];
  if (dims === undefined) {
    throw new AiConfigError(`EMBEDDING_DIMENSIONS must be set for embedding model "${model}" (its size is not known)`);
  }
  return dims;
}

/**
 * @module
 * Configuration: the embedding model, the answer generator and the reranker. Which provider needs which
 * other variable is checked with the rest of the schema (`aiIssues`), so half a configuration fails at
 * startup with every missing piece named. The Workers AI binding (`AI`) is a binding, not a variable: the
 * provider factories in `lib/ai` check it.
 */
import { int, oneOf, optionalInt, text, variable } from "./vars.js";

export const AI_VARS = {
  EMBEDDING_PROVIDER: variable(oneOf("EMBEDDING_PROVIDER", ["offline", "openai", "workers-ai"], "offline"), {
    description:
      "`offline` (deterministic feature hashing: lexical similarity, not semantics), `openai` (any OpenAI-compatible endpoint), `workers-ai` (binding `AI`)",
  }),
  EMBEDDING_MODEL: variable(text(), {
    description:
      "e.g. `text-embedding-3-small`; required for `openai`, `workers-ai` defaults to `@cf/baai/bge-small-en-v1.5`. Offline: `offline-hash-v2` (default, stop words left out) or `offline-hash-v1`; with no model set, a database made by v1 keeps being served by v1. The database refuses vectors from a different embedder with a clear startup error; `npm run reembed` moves it to the configured one.",
  }),
  EMBEDDING_DIMENSIONS: variable(
    optionalInt(1, 16_000, "EMBEDDING_DIMENSIONS must be a positive integer (at most 16000)"),
    {
      description:
        "vector size, e.g. `1536`; known models need none (the offline embedder makes 384), others require it",
    },
  ),
  GENERATION_PROVIDER: variable(oneOf("GENERATION_PROVIDER", ["none", "openai", "workers-ai"], "none"), {
    description:
      "`openai` or `workers-ai` for generated answers; without one, `/ask` answers extractively (the most relevant sentences, each cited)",
  }),
  GENERATION_MODEL: variable(text(), {
    description: "required for `openai`; `workers-ai` defaults to `@cf/meta/llama-3.1-8b-instruct`",
  }),
  OPENAI_BASE_URL: variable(text(), {
    description: "the OpenAI-compatible endpoint of the `openai` providers, e.g. `https://api.openai.com/v1`",
  }),
  OPENAI_API_KEY: variable(text(), {
    description: "its key (may be absent for local servers)",
    secret: true,
  }),
};

export const RERANK_VARS = {
  RERANK_PROVIDER: variable(oneOf("RERANK_PROVIDER", ["none", "workers-ai", "http"], "none"), {
    description:
      '`workers-ai` (`@cf/baai/bge-reranker-base` through the `AI` binding) or `http` (any Cohere/Jina-compatible `POST /rerank`): reorders the top fused search candidates, whose reranker scores become their `relevance` (ask cites them in that order); `args: {"rerank": false}` skips it per request; a failing reranker falls back to the fused order',
  }),
  RERANK_MODEL: variable(text(), {
    description:
      "required for `http`, e.g. `rerank-v3.5` (Cohere) or `jina-reranker-v2-base-multilingual` (Jina); `workers-ai` needs only the binding",
  }),
  RERANK_BASE_URL: variable(text(), {
    description: "required for `http`, e.g. `https://api.cohere.com/v2` or `https://api.jina.ai/v1`",
  }),
  RERANK_API_KEY: variable(text(), { description: "its key (may be absent for local servers)", secret: true }),
  RERANK_CANDIDATES: variable(int(1, 100, 20), {
    description: "how many top fused candidates are reranked (at least the request's `limit`)",
  }),
};

type AiValues = {
  EMBEDDING_PROVIDER: string;
  EMBEDDING_MODEL?: string;
  GENERATION_PROVIDER: string;
  GENERATION_MODEL?: string;
  OPENAI_BASE_URL?: string;
  RERANK_PROVIDER: string;
  RERANK_MODEL?: string;
  RERANK_BASE_URL?: string;
};

/** The variables a chosen provider cannot work without, each as `[variable, message]`. */
export function aiIssues(v: AiValues): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  const need = (name: keyof AiValues, because: string) => {
    if (v[name] === undefined) issues.push([name, `${name} must be set when ${because}`]);
  };
  if (v.EMBEDDING_PROVIDER === "openai") {
    need("OPENAI_BASE_URL", "EMBEDDING_PROVIDER=openai");
    need("EMBEDDING_MODEL", "EMBEDDING_PROVIDER=openai");
  }
  if (v.GENERATION_PROVIDER === "openai") {
    need("OPENAI_BASE_URL", "GENERATION_PROVIDER=openai");
    need("GENERATION_MODEL", "GENERATION_PROVIDER=openai");
  }
  if (v.RERANK_PROVIDER === "http") {
    need("RERANK_BASE_URL", "RERANK_PROVIDER=http");
    need("RERANK_MODEL", "RERANK_PROVIDER=http");
  }
  return issues;
}

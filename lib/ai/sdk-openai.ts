/**
 * @module
 * What the OpenAI-compatible clients call from the AI SDK, imported with `import("./sdk-openai.js")` on their first
 * call. Named re-exports on purpose: `import("ai")` would keep the whole package in the Workers bundle, while these
 * let the bundler drop what no client uses.
 */
export { createOpenAICompatible } from "@ai-sdk/openai-compatible";
export { embedMany, generateText, streamText } from "ai";

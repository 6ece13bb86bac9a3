/**
 * @module
 * What the Workers AI clients call from the AI SDK, imported with `import("./sdk-workers-ai.js")` on their first
 * call; named re-exports so the bundler can drop the rest (see `sdk-openai.ts`).
 */
export { embedMany, generateText, streamText } from "ai";
export { createWorkersAI } from "workers-ai-provider";

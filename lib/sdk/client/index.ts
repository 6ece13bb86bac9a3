/**
 * @module
 * `serverless-memory/client`: a typed client for the serverless-memory HTTP API. ESM with no Node-only imports:
 * it runs in Node 20+, browsers and Cloudflare Workers (pass a service binding's `fetch` as `options.fetch`).
 *
 * @example
 * import { createMemoryClient, ProblemError } from "serverless-memory/client";
 * const memory = createMemoryClient({ url: "http://127.0.0.1:8787" });
 * const { results } = await memory.search({ query: "deploys", index: "handbook", limit: 5 });
 */
export {
  createMemoryClient,
  type DocumentRef,
  type FileUpload,
  type MemoryClient,
  type UploadFile,
  type WaitOptions,
} from "./client.js";
export { ProblemError, retryAfterSeconds, WaitTimeoutError } from "./errors.js";
export { sseData } from "./sse.js";
export type { CallOptions, ClientOptions } from "./transport.js";
export type * from "./types.js";

/**
 * @module
 * Recognises the AI SDK's errors without loading the SDK. Its `isInstance` checks do not use `instanceof` (an app
 * may hold several copies of the package): every `AISDKError` carries a `true` under `Symbol.for("vercel.ai.error")`
 * and each subclass one more under `Symbol.for("vercel.ai.error.<name>")` (@ai-sdk/provider, `AISDKError.hasMarker`).
 * Checking the same registered symbols here gives the same answer while keeping `ai` (~170 ms to import) off the
 * start path of a service whose default embedder never calls it.
 */
import type { APICallError, RetryError } from "ai";

function hasMarker(error: unknown, name: string): boolean {
  if (error === null || typeof error !== "object") return false;
  const marker = Symbol.for(`vercel.ai.error.${name}`);
  return marker in error && (error as Record<symbol, unknown>)[marker] === true;
}

/** Same answer as `APICallError.isInstance` (an upstream HTTP call failed; `statusCode` when one arrived). */
export function isApiCallError(error: unknown): error is APICallError {
  return hasMarker(error, "AI_APICallError");
}

/** Same answer as `RetryError.isInstance` (the SDK's own retry loop gave up; `errors` holds every attempt's). */
export function isRetryError(error: unknown): error is RetryError {
  return hasMarker(error, "AI_RetryError");
}

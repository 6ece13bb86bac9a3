/**
 * @module
 * Errors of the AI layer. They carry no HTTP status (the edge maps them) and
 * their messages are scrubbed of credentials, because upstream error bodies are
 * known to echo the API key they rejected.
 */
import { ConfigError } from "../config/errors.js";
import { AppError } from "../errors.js";
import { isApiCallError, isRetryError } from "./sdk-errors.js";

/** An embedder could not produce vectors (provider error, retries spent, or a malformed answer). */
export class EmbeddingFailed extends AppError {
  override readonly name = "EmbeddingFailed";
  constructor(
    message: string,
    readonly embedder: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super("upstream", message, options);
  }
}

/** A text generator could not produce (or finish streaming) an answer. */
export class GenerationFailed extends AppError {
  override readonly name = "GenerationFailed";
  constructor(
    message: string,
    readonly generator: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super("upstream", message, options);
  }
}

/** The environment asks for an AI setup that cannot work (missing binding, unknown vector size…). */
export class AiConfigError extends ConfigError {
  override readonly name = "AiConfigError";
}

/** Thrown by our own retry loop once it gives up; wraps the last error. */
export class RetriesExhausted extends Error {
  override readonly name = "RetriesExhausted";
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`gave up after ${attempts} attempts; last error: ${messageOf(lastError)}`, { cause: lastError });
  }
}

export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof Error || (typeof DOMException !== "undefined" && error instanceof DOMException)) &&
    (error.name === "AbortError" || error.name === "TimeoutError" || error.name === "ResponseAborted")
  );
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  return String(error);
}

const BEARER = /Bearer\s+[^\s"',;]+/gi;
// OpenAI-style secret keys, for upstreams that echo a key we never saw (e.g. from a proxy).
const SECRET_KEY = /\bsk-[A-Za-z0-9_-]{8,}/g;

/** Removes `secrets` and anything shaped like a bearer token or an OpenAI key. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    // Short strings would shred ordinary words; real keys are long.
    if (secret && secret.length >= 6) out = out.split(secret).join("[redacted]");
  }
  return out.replace(BEARER, "Bearer [redacted]").replace(SECRET_KEY, "[redacted]");
}

/** A one-line account of a provider failure and how many attempts it took. */
export function describeFailure(error: unknown): { detail: string; attempts: number } {
  if (isRetryError(error)) {
    return { detail: describeCall(error.lastError), attempts: error.errors.length };
  }
  if (error instanceof RetriesExhausted) {
    return { detail: describeCall(error.lastError), attempts: error.attempts };
  }
  if (isApiCallError(error) && error.cause instanceof RetriesExhausted) {
    return describeFailure(error.cause);
  }
  return { detail: describeCall(error), attempts: 1 };
}

function describeCall(error: unknown): string {
  if (isApiCallError(error) && error.statusCode !== undefined) {
    return `provider answered ${error.statusCode}: ${error.message}`;
  }
  return messageOf(error);
}

/**
 * @module
 * The slice of the Workers AI binding (`env.AI`) this layer uses, and a wrapper
 * that retries its transient failures.
 *
 * Why our own retry: the binding throws plain errors (`InferenceUpstreamError`
 * with a `"<internal code>: <description>"` message or the raw upstream text)
 * and no headers. workers-ai-provider turns only a few internal codes into
 * retryable HTTP statuses (3040 → 429, 3007/3008 → 408) and none of the 5xx-like
 * failures, and there is no `Retry-After` to honour. So the provider runs with
 * the AI SDK's retries off and this wrapper retries `run()` itself.
 */
import { isAbortError, messageOf } from "./errors.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryWithBackoff } from "./retry.js";
import { isApiCallError } from "./sdk-errors.js";

/** Structural type of `env.AI` as far as `run` goes, so Node tests and the real binding both fit. */
export interface WorkersAIBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

export function isWorkersAIBinding(value: unknown): value is WorkersAIBinding {
  return typeof value === "object" && value !== null && typeof (value as WorkersAIBinding).run === "function";
}

// Workers AI internal codes from developers.cloudflare.com/workers-ai/platform/errors. Transient: out of
// capacity, timeout, aborted upstream. Permanent: the documented 4xx, including 3036 (daily free
// allocation used up), a 429 that no retry cures. Codes in neither list are judged by their text.
const TRANSIENT_CODES = new Set([3040, 3007, 3008]);
const PERMANENT_CODES = new Set([5007, 5004, 3039, 3003, 5018, 5016, 3023, 3041, 5019, 5005, 3042, 3006, 3036]);
const TRANSIENT_TEXT =
  /internal server error|service unavailable|bad gateway|gateway time-?out|temporarily|overloaded|capacity|try again/i;

export function isRetryableWorkersAIError(error: unknown): boolean {
  if (isAbortError(error)) return false;
  if (isApiCallError(error)) {
    if (error.statusCode !== undefined) return error.isRetryable;
    return isRetryableWorkersAIError(error.cause);
  }
  const status = numericProperty(error, "status") ?? numericProperty(error, "statusCode");
  if (status !== undefined) return status === 429 || status === 408 || status >= 500;
  const message = messageOf(error);
  const code = numericProperty(error, "code") ?? firstInternalCode(message);
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  if (code !== undefined && PERMANENT_CODES.has(code)) return false;
  return TRANSIENT_TEXT.test(message);
}

function firstInternalCode(message: string): number | undefined {
  const match = /\b(\d{4})\s*:/.exec(message);
  return match ? Number(match[1]) : undefined;
}

function numericProperty(value: unknown, key: string): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const n = (value as Record<string, unknown>)[key];
  return typeof n === "number" ? n : undefined;
}

/**
 * A binding whose `run` retries transient failures. A streaming `run` is retried
 * only until the binding hands back the stream; a stream that breaks later is
 * the caller's failure to report.
 */
export function withRetries(binding: WorkersAIBinding, policy: RetryPolicy = DEFAULT_RETRY_POLICY): WorkersAIBinding {
  return {
    run: (model, inputs, options) =>
      retryWithBackoff(() => binding.run(model, inputs, options), {
        ...policy,
        isRetryable: isRetryableWorkersAIError,
        signal: options?.signal instanceof AbortSignal ? options.signal : undefined,
      }),
  };
}

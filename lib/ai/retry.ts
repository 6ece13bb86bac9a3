/**
 * @module
 * A bounded exponential-backoff loop for providers whose failures the AI SDK
 * cannot classify. The Workers AI binding throws plain errors without HTTP
 * headers, so the SDK retries only the few internal codes it maps and never a
 * 5xx-like upstream failure; this loop covers those. (The OpenAI-compatible
 * path uses the SDK's own retry, which already honours `Retry-After`.)
 */
import { isAbortError, RetriesExhausted } from "./errors.js";

export type RetryPolicy = {
  /** Retries after the first attempt; `maxRetries + 1` attempts at most. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, initialDelayMs: 500, maxDelayMs: 8_000 };

export async function retryWithBackoff<T>(
  attempt: () => Promise<T>,
  opts: RetryPolicy & { isRetryable: (error: unknown) => boolean; signal?: AbortSignal },
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (isAbortError(error) || opts.signal?.aborted || !opts.isRetryable(error)) throw error;
      if (tries > opts.maxRetries) throw new RetriesExhausted(tries, error);
      const ceiling = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** (tries - 1));
      // Half fixed, half random: keeps the backoff while spreading concurrent isolates apart.
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2), opts.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * @module
 * Why a guarded fetch did not produce a body: `FetchRefused` is our policy
 * saying no (before connecting when it can) — the URL is the caller's input, so
 * it is `invalid` and permanent; `FetchFailed` is the remote end or the network
 * failing — `upstream`, permanent only when the page answered a 4xx other than
 * 408/429, because it will answer the same next time.
 */
import { AppError } from "../errors.js";

export class FetchRefused extends AppError {
  override readonly name = "FetchRefused";
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super("invalid", `refused to fetch ${url}: ${reason}`);
  }
}

export class FetchFailed extends AppError {
  override readonly name = "FetchFailed";
  constructor(
    readonly url: string,
    readonly reason: string,
    /** The HTTP status, when the server answered with an error. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super("upstream", `fetching ${url} failed: ${reason}`, {
      permanent: !!status && status >= 400 && status < 500 && status !== 408 && status !== 429,
      cause: options?.cause,
    });
  }
}

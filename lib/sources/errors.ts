/**
 * @module
 * Why a source fetch did not produce a body, without HTTP in it: `FetchRefused`
 * is our policy saying no (before connecting when it can), `FetchFailed` is the
 * remote end or the network failing. Both end up in the source's `last_error`.
 */

export class FetchRefused extends Error {
  override readonly name = "FetchRefused";
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused to fetch ${url}: ${reason}`);
  }
}

export class FetchFailed extends Error {
  override readonly name = "FetchFailed";
  constructor(
    readonly url: string,
    readonly reason: string,
    /** The HTTP status, when the server answered with an error. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`fetching ${url} failed: ${reason}`, options);
  }
}

/** The sitemap or feed URL answered with something that is not one. */
export class ListingInvalid extends Error {
  override readonly name = "ListingInvalid";
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url} ${reason}`);
  }
}

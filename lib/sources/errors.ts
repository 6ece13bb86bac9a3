/**
 * @module
 * Errors of source syncing beyond the fetch's own (`lib/net/errors.ts`); they
 * end up in the source's `last_error`.
 */
import { AppError } from "../errors.js";

/** The sitemap or feed URL answered with something that is not one. */
export class ListingInvalid extends AppError {
  override readonly name = "ListingInvalid";
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super("upstream", `${url} ${reason}`);
  }
}

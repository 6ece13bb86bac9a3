/**
 * @module
 * Guarded outbound HTTP for URLs that users hand us (sources, web-page
 * imports): address checks, redirects checked hop by hop, time and size
 * limits, a content-type allow-list, and the errors that say why not.
 */
export { blockedRange, isIpLiteral, isLocalHostname } from "./address.js";
export { FetchFailed, FetchRefused } from "./errors.js";
export {
  checkUrl,
  type Fetched,
  type GuardOptions,
  guardedFetch,
  type Lookup,
  MAX_REDIRECTS,
  USER_AGENT,
} from "./guarded-fetch.js";

/**
 * @module
 * Sources: URLs (a page, a sitemap, a feed) the service keeps in sync by
 * itself, ingesting through the same pipeline as uploads.
 */
export { checkUrl, type Fetched, FetchFailed, FetchRefused, type GuardOptions, guardedFetch } from "../net/index.js";
export { type BucketBindings, bucketBindingsOf, type R2BucketLike } from "./bucket.js";
export { ListingInvalid } from "./errors.js";
export { createSource, deleteSource, getSource, listSources } from "./sources.js";
export { type SyncOptions, syncDueSources, syncSource } from "./sync.js";
export * from "./types.js";

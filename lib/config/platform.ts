/**
 * @module
 * Which runtime this instance runs on, for the few choices that depend on it
 * (the database transport, DNS checks of fetched URLs). Sits at the bottom so
 * any layer may ask.
 */

/** True inside workerd, where a socket must never outlive its request. */
export function isWorkersRuntime(): boolean {
  return globalThis.navigator?.userAgent === "Cloudflare-Workers";
}

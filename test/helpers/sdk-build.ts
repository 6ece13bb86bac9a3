/** @module Builds the package's client exports (dist/sdk, public/playground/client.mjs) when lib/sdk/ changed since. */
// @ts-expect-error plain JavaScript build script without type declarations
import { buildSdk, sdkIsStale } from "../../scripts/build-sdk.mjs";

export async function ensureSdkBuilt(): Promise<void> {
  if (await sdkIsStale()) await buildSdk();
}

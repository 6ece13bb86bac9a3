/**
 * @module
 * Loads something on first use and shares it afterwards: the provider clients import the AI SDK this way, so only a
 * service that calls a provider pays for loading it (see `sdk-errors.ts`).
 */

/** `load` runs on the first call only; every call gets that one promise. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load();
    return pending;
  };
}

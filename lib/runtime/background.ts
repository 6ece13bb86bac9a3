/**
 * @module
 * Background work on Node (no `waitUntil` there): tracked so a graceful
 * shutdown lets in-flight ingestion finish before the pool closes. Jobs are
 * durable either way; draining only saves a lease expiry and a retry.
 */
const pending = new Set<Promise<unknown>>();

export function trackBackground(promise: Promise<unknown>): void {
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  pending.add(settled);
  void settled.finally(() => pending.delete(settled));
}

/** Waits for tracked work, at most `timeoutMs`; returns how many were still running then. */
export async function drainBackground(timeoutMs: number): Promise<number> {
  if (pending.size === 0) return 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.all([...pending]), timeout]);
  clearTimeout(timer);
  return pending.size;
}

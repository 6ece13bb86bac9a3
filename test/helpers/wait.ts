/**
 * @module
 * The one way a test waits for something: a bounded poll that fails, naming what it waited for and what it last
 * saw, when the bound runs out — never a loop that ends silently or never ends.
 */

/** Polls `probe` every `intervalMs` until `done(value)`; returns that value, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

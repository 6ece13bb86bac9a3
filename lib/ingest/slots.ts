/**
 * @module
 * How many ingestion jobs one instance runs at once. A job holds its document's files in memory while it runs,
 * so ten concurrent 25 MB uploads must not all load at the same moment: the rest wait here, holding nothing.
 */

let running = 0;
const waiting: Array<() => void> = [];

export async function withIngestSlot<T>(limit: number, run: () => Promise<T>): Promise<T> {
  if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await run();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

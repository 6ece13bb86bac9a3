/**
 * @module
 * Where `prepareFile` runs. By default in the calling thread, as on Workers, whose isolates have no threads and
 * are bounded by the caps alone. A Node host installs a worker-thread runner (`lib/ingest/node-threads.ts`)
 * so untrusted files are parsed off the HTTP event loop, under a memory limit and a deadline.
 */
import type { Prepared, PrepareInput } from "./prepare.js";

export type PrepareRunner = (input: PrepareInput) => Promise<Prepared>;

// Loaded on first use: the extractors (pdf.js, mammoth) and the tokenizer's tables are tens of MB, and a Node host
// that installs the thread runner never needs them in its own thread.
let runner: PrepareRunner = async (input) => (await import("./prepare.js")).prepareFile(input);

export function usePrepareRunner(next: PrepareRunner): void {
  runner = next;
}

export function prepareIsolated(input: PrepareInput): Promise<Prepared> {
  return runner(input);
}

/** The runner in use (a host that wraps it, e.g. to instrument it, passes the result to `usePrepareRunner`). */
export function currentPrepareRunner(): PrepareRunner {
  return runner;
}

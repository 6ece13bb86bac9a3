/**
 * @module
 * Where `prepareFile` runs, as a capability the composition root hands the runner: in the calling thread on
 * Workers (isolates have no threads and are bounded by the caps alone), in worker threads on a Node server
 * (`lib/ingest/node-threads.ts`), so untrusted files are parsed off the HTTP event loop, under a memory limit and
 * a deadline.
 */
import type { MemoryContext } from "../memory/types.js";
import type { Prepared, PrepareInput } from "./prepare.js";

export type PrepareRunner = (input: PrepareInput) => Promise<Prepared>;

/** What the runner and the pipeline need beyond the memory verbs: where files are parsed. */
export type IngestContext = MemoryContext & { prepare: PrepareRunner };

/**
 * In the calling thread, loaded on first use: the extractors (pdf.js, mammoth) and the tokenizer's tables are
 * tens of MB, and a Node process that never ingests (or parses in threads) never needs them in its own thread.
 */
export const prepareInThread: PrepareRunner = async (input) => (await import("./prepare.js")).prepareFile(input);

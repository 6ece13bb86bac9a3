/**
 * @module
 * Where `prepareFile` runs, as a capability the composition root hands the runner: in the calling thread on
 * Workers (isolates have no threads and are bounded by the caps alone), in worker threads on a Node server
 * (`lib/ingest/node-threads.ts`), so untrusted files are parsed off the HTTP event loop, under a memory limit and
 * a deadline.
 */
import type { Config } from "../config/env.js";
import type { JOB_VARS } from "../config/jobs.js";
import type { INGESTION_LIMIT_VARS } from "../config/limits.js";
import type { MemoryContext } from "../memory/types.js";
import type { IngestStore } from "../store/ingest-store.js";
import type { Prepared, PrepareInput } from "./prepare.js";

export type PrepareRunner = (input: PrepareInput) => Promise<Prepared>;

/**
 * A runtime's whole context for jobs (the roots' and the job doors'): the memory context, the jobs' SQL bound to its
 * database (`ingestStore(db)`) and where files are parsed.
 */
export type IngestContext = MemoryContext & { store: IngestStore; prepare: PrepareRunner };

/**
 * The settings jobs read: the jobs' and the ingestion limits' groups, web-page fetches, whether files are kept, and
 * the memory the deferred vector index is built with.
 */
export type IngestSettings = Pick<
  Config,
  | keyof typeof JOB_VARS
  | keyof typeof INGESTION_LIMIT_VARS
  | "SOURCE_MAX_BYTES"
  | "SOURCE_FETCH_TIMEOUT_MS"
  | "SOURCE_ALLOW_PRIVATE"
  | "KEEP_ORIGINAL_FILES"
  | "VECTOR_INDEX_BUILD_MEMORY"
>;

/**
 * What the runner, the pipeline and file preparation use: the jobs' SQL (on the primary), the embedder, their
 * settings and where files are parsed. No database handle, reader, generator, reranker or queue.
 */
export type Ingesting = Pick<MemoryContext, "embedder"> & {
  store: IngestStore;
  config: IngestSettings;
  prepare: PrepareRunner;
};

/**
 * In the calling thread, loaded on first use: the extractors (pdf.js, mammoth) and the tokenizer's tables are
 * tens of MB, and a Node process that never ingests (or parses in threads) never needs them in its own thread.
 */
export const prepareInThread: PrepareRunner = async (input) => (await import("./prepare.js")).prepareFile(input);

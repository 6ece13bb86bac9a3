/**
 * @module
 * `IngestStore`: the SQL that ingestion jobs run, and nothing else, bound to one database handle. The runtime that
 * runs jobs builds it from its handle (`ingestStore(db)`) and hands it to the runner with the job's other
 * capabilities, so the runner, the pipeline and the batch never hold the handle itself: they can claim, load,
 * record and settle, and cannot reach keys, sources or search. One per handle: the same `Db` always gives the same
 * store, so what the runner remembers per database (a deferred vector index, a table seen holding chunks) keys on it.
 */
import type { Db } from "../db/index.js";
import { findCachedBatch, loadBatchForProcessing, saveBatch } from "./batch-ingest.js";
import { replaceChunks } from "./chunk-store.js";
import { buildDeferredVectorIndex, deferVectorIndexWhileEmpty } from "./embedding-space.js";
import { cacheEmbeddings, recordStepsAndFindCached } from "./ingest-steps.js";
import { claimDueJobs, claimJobs, completeJobs, failExhaustedJobs, failJob, retryJobLater } from "./job-store.js";
import { loadForProcessing, markFailed } from "./memory-store.js";
import { analyzeDueTables } from "./table-statistics.js";

const operations = {
  claimDueJobs,
  claimJobs,
  completeJobs,
  failExhaustedJobs,
  failJob,
  retryJobLater,
  deferVectorIndexWhileEmpty,
  buildDeferredVectorIndex,
  loadForProcessing,
  loadBatchForProcessing,
  recordStepsAndFindCached,
  cacheEmbeddings,
  findCachedBatch,
  replaceChunks,
  saveBatch,
  markFailed,
  analyzeDueTables,
};

/** An operation with its database argument already given. */
type Bound<F> = F extends (db: Db, ...rest: infer A) => infer R ? (...rest: A) => R : never;

export type IngestStore = { readonly [K in keyof typeof operations]: Bound<(typeof operations)[K]> };

const stores = new WeakMap<Db, IngestStore>();

export function ingestStore(db: Db): IngestStore {
  let store = stores.get(db);
  if (!store) {
    const bound: Record<string, unknown> = {};
    for (const [name, operation] of Object.entries(operations)) {
      bound[name] = (operation as (db: Db, ...rest: unknown[]) => unknown).bind(undefined, db);
    }
    store = Object.freeze(bound) as IngestStore;
    stores.set(db, store);
  }
  return store;
}

/**
 * @module
 * What differs between runtimes, as one object that each composition root (`functions/*.ts`) builds from `lib/`
 * parts and hands to `servicesFor`: the database transports it can open, how an accepted upload's job starts,
 * where untrusted files are parsed, and which token counter answers use. Nothing below reads a runtime condition
 * or a global; the roots say it once.
 *
 * @example
 * const services = servicesFor(process.env, nodeRuntime({ extractionThreads: true }));
 */
import type { Config } from "../config/env.js";
import type { Transports } from "../db/index.js";
import type { PrepareRunner } from "../ingest/isolation.js";
import type { StartJob, StartJobs, TokenCounter } from "../memory/types.js";

export type Ingestion = {
  startJob: StartJob;
  startJobs?: StartJobs;
  /** Where the runner parses files; absent where this runtime runs no jobs (the API Worker). */
  prepare?: PrepareRunner;
};

export type RuntimeParts = {
  transports: Transports;
  /** Built once per instance, from its configuration and bindings (Workers' queue producer comes with them). */
  ingestion(config: Config, bindings: Record<string, unknown>): Ingestion;
  /** Loaded on first use: the exact tokenizer's tables cost ~30 MB, which a Node process pays only once it answers. */
  tokenCounter(): Promise<TokenCounter>;
};

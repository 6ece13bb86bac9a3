/**
 * @module
 * The parts of a Node runtime (server, Lambda, Vercel, CLI, tests): the pool, http and embedded transports, jobs
 * run in this process's background right after the 202 (cron or the scheduler takes over if that run dies), and
 * the exact tokenizer, loaded on first use. A long-lived server parses untrusted files in worker threads
 * (`extractionThreads`); short-lived hosts (Lambda, Vercel) parse in their own thread.
 *
 * @example
 * const runtime = nodeRuntime({ extractionThreads: true });
 * servicesFor(process.env, runtime);
 */
import { type Config, ConfigError } from "../config/env.js";
import { nodeTransports } from "../db/node.js";
import type { PoolHook } from "../db/pool.js";
import type { PrepareRunner } from "../ingest/isolation.js";
import { createThreadRunner } from "../ingest/node-threads.js";
import { runUploadedJob, runUploadedJobs } from "../ingest/runner.js";
import type { TokenCounter } from "../memory/types.js";
import { ingestStore } from "../store/ingest-store.js";
import type { RuntimeParts } from "./parts.js";

export type NodeRuntimeOptions = {
  /** Parse untrusted files in worker threads, sized by the first configuration that asks (one set per runtime). */
  extractionThreads?: boolean;
  /** Sees every pool created (Vercel's `attachDatabasePool`). */
  onPool?: PoolHook;
  /** Wraps the runner that parses files (a test that watches what is parsed). */
  wrapPrepare?: (runner: PrepareRunner) => PrepareRunner;
};

/**
 * Files parsed in the calling thread (Lambda, Vercel), loaded on first use, with Node's OCR engine (tesseract.js
 * runs its engine in a thread of its own, so even then OCR does not hold this thread).
 */
const prepareInNodeThread: PrepareRunner = async (input) => {
  const [{ prepareFile }, { tesseractOcr }] = await Promise.all([
    import("../ingest/prepare.js"),
    import("../extract/ocr-tesseract.js"),
  ]);
  return prepareFile(input, { ocr: tesseractOcr });
};

export function nodeRuntime(options: NodeRuntimeOptions = {}): RuntimeParts {
  let threads: PrepareRunner | undefined;
  let counter: Promise<TokenCounter> | undefined;
  const runnerFor = (config: Config): PrepareRunner => {
    if (!options.extractionThreads) return prepareInNodeThread;
    threads ??= createThreadRunner({
      threads: config.EXTRACT_THREADS,
      memoryMb: config.EXTRACT_MEMORY_MB,
      timeoutMs: config.EXTRACT_TIMEOUT_MS,
    });
    return threads;
  };
  return {
    transports: nodeTransports(options.onPool ? { onPool: options.onPool } : {}),
    ingestion: (config) => {
      // Node has no Workers AI binding: a configuration that asks for it would silently OCR with tesseract.
      if (config.OCR_PROVIDER === "workers-ai") {
        throw new ConfigError(
          "OCR_PROVIDER=workers-ai runs on the ingestion Worker only; Node reads images with tesseract",
        );
      }
      const runner = runnerFor(config);
      const prepare = options.wrapPrepare ? options.wrapPrepare(runner) : runner;
      return {
        prepare,
        startJob: (ctx, jobId) => runUploadedJob({ ...ctx, store: ingestStore(ctx.db), prepare }, jobId),
        startJobs: (ctx, jobIds) => runUploadedJobs({ ...ctx, store: ingestStore(ctx.db), prepare }, jobIds),
      };
    },
    tokenCounter: () => {
      counter ??= import("../partition/tokenizer.js").then((m) => m.countTokens);
      return counter;
    },
  };
}

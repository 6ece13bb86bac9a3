/**
 * @module
 * Node hosts (the server, the jobs CLI) parse untrusted files in worker threads: installed once per process,
 * sized by the first configuration that asks.
 */
import { type Config, parseConfig } from "../config/env.js";
import { usePrepareRunner } from "../ingest/isolation.js";
import { createThreadRunner } from "../ingest/node-threads.js";

let installed = false;

export function useExtractionThreads(env: Record<string, unknown>): void {
  if (installed) return;
  let config: Config;
  try {
    config = parseConfig(env);
  } catch {
    // A bad environment is reported by the first request; the threads still get the schema's defaults.
    config = parseConfig({});
  }
  usePrepareRunner(
    createThreadRunner({
      threads: config.EXTRACT_THREADS,
      memoryMb: config.EXTRACT_MEMORY_MB,
      timeoutMs: config.EXTRACT_TIMEOUT_MS,
    }),
  );
  installed = true;
}

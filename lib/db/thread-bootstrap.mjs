// Entry file of the embedded database's worker thread (pglite-thread.ts). From TypeScript sources (npm run
// dev:node, tests) the thread has no TypeScript loader of its own, so it loads its entry through tsx; the bundle
// in dist/ starts dist/pglite-thread.mjs directly. Also the main script of the child process that creates a new
// database folder (the entry then comes in SM_PGLITE_ENTRY).
import { workerData } from "node:worker_threads";

const entry = workerData?.entry ?? process.env.SM_PGLITE_ENTRY;
if (entry.endsWith(".ts")) {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(entry, import.meta.url);
} else {
  await import(entry);
}

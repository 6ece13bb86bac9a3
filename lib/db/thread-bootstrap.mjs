// Entry file of the embedded database's worker thread (pglite-thread.ts). From TypeScript sources (npm run
// dev:node, tests) the thread has no TypeScript loader of its own, so it loads its entry through tsx; the bundle
// in dist/ starts dist/pglite-thread.mjs directly.
import { workerData } from "node:worker_threads";

const { entry } = workerData;
if (entry.endsWith(".ts")) {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(entry, import.meta.url);
} else {
  await import(entry);
}

// Entry file of the extraction worker thread. From a TypeScript checkout (npm start, tests) the thread has no
// TypeScript loader of its own, so it loads its entry through tsx; a compiled build imports the .js directly.
import { workerData } from "node:worker_threads";

const { entry } = workerData;
if (entry.endsWith(".ts")) {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(entry, import.meta.url);
} else {
  await import(entry);
}

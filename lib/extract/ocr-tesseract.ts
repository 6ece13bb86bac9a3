/**
 * @module
 * Node only: the OCR engine, tesseract.js (Tesseract compiled to WebAssembly) with the English LSTM model from
 * the `@tesseract.js-data/eng` package, read from node_modules: nothing is fetched at run time (`langPath` is a
 * local folder and `cacheMethod: "none"` writes no cache file). tesseract.js runs its engine in a worker thread
 * of its own; this module keeps one, started on first use, shared by the documents of this thread one at a
 * time, and stopped after `IDLE_MS` without work (its WebAssembly memory is ~100 MB) or by `reset()`.
 *
 * Imported only by Node's extraction thread (`ingest/thread-entry.ts`) and Node's in-thread runner, so the
 * Workers bundles never carry it.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Worker } from "tesseract.js";
import type { OcrEngine } from "./ocr.js";

const IDLE_MS = 15_000;

let worker: Promise<Worker> | undefined;
let idle: ReturnType<typeof setTimeout> | undefined;
// One recognition at a time: the engine holds one image at once, and a queue keeps the memory bound.
let queue: Promise<unknown> = Promise.resolve();

function modelFolder(): string {
  const require = createRequire(import.meta.url);
  // The "best_int" LSTM model (2.9 MB gzipped): what tesseract.js itself picks for the LSTM-only engine.
  return join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
}

function engine(): Promise<Worker> {
  worker ??= (async () => {
    const { createWorker, OEM } = await import("tesseract.js");
    return createWorker("eng", OEM.LSTM_ONLY, {
      langPath: modelFolder(),
      cacheMethod: "none",
      gzip: true,
      // Failures reach the caller as rejected promises; the default handler would also print them.
      errorHandler: () => {},
    });
  })();
  // A worker that failed to start is forgotten, so the next document tries again.
  worker.catch(() => {
    worker = undefined;
  });
  return worker;
}

async function stop(): Promise<void> {
  clearTimeout(idle);
  // A recognition cut off by terminate() may never settle: the next one must not wait behind it.
  queue = Promise.resolve();
  const running = worker;
  worker = undefined;
  const w = await running?.catch(() => undefined);
  await w?.terminate().catch(() => {});
}

export const tesseractOcr: OcrEngine = {
  recognize(image) {
    const run = queue.then(async () => {
      clearTimeout(idle);
      try {
        const w = await engine();
        // A copy: tesseract.js transfers the buffer it is given to its thread.
        const { data } = await w.recognize(Buffer.from(image));
        return data.text ?? "";
      } finally {
        idle = setTimeout(() => void stop(), IDLE_MS);
        idle.unref?.();
      }
    });
    queue = run.catch(() => {});
    return run;
  },
  reset: stop,
};

/**
 * @module
 * The worker-thread side of `node-threads.ts`: runs `prepareFile` (with Node's OCR engine, whose own thread is
 * stopped with this one) for each task it is sent and answers with the
 * chunks or a plain description of the error (name, message, stage), which the host turns back into an error.
 */
import { constants, setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { AppError } from "../errors.js";
import { tesseractOcr } from "../extract/ocr-tesseract.js";
import { type PrepareInput, prepareFile, stageOf } from "./prepare.js";

type Task = { id: number; input: PrepareInput };

// On Linux a nice value belongs to a thread, and setpriority(0) names the calling one: this thread yields the CPU
// to the HTTP thread whenever both want it, so a long extraction cannot starve requests on a busy machine. (Where
// priorities are per process or cannot be lowered, nothing changes.)
try {
  setPriority(constants.priority.PRIORITY_LOW);
} catch {}

parentPort?.on("message", async ({ id, input }: Task) => {
  try {
    const result = await prepareFile(input, { ocr: tesseractOcr });
    parentPort?.postMessage({ id, ok: true, result });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const app = error instanceof AppError ? { kind: error.kind, permanent: error.permanent } : {};
    parentPort?.postMessage({
      id,
      ok: false,
      error: { name: e.name, message: e.message, stage: stageOf(error), ...app },
    });
  }
});
// A task this thread cannot read arrives as `messageerror`, with no id: the host fails the task it is running.
parentPort?.on("messageerror", (error: Error) => parentPort?.postMessage({ unreadable: error.message }));
parentPort?.postMessage({ ready: true });

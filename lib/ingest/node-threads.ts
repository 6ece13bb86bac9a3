/**
 * @module
 * Node only: runs `prepareFile` in worker threads, so a hostile file can neither block the HTTP event loop nor
 * take the process down. Each thread has a V8 heap limit (`EXTRACT_MEMORY_MB`) and each task a deadline
 * (`EXTRACT_TIMEOUT_MS`); a thread that crosses either is terminated and the task fails with `LimitExceeded`,
 * which fails the job at once (the same file would do the same again). Threads start with the first task, are
 * reused, stop after `idleMs` without one (a thread holds ~50 MB: its own V8 heap, the extractors and the
 * tokenizer's tables), and never keep the process alive.
 *
 * @example
 * const prepare = createThreadRunner({ threads: 1, memoryMb: 256, timeoutMs: 60_000 }); // a PrepareRunner
 */
import { Worker } from "node:worker_threads";
import { AppError, type ErrorKind } from "../errors.js";
import { LimitExceeded } from "../extract/limits.js";
import { log } from "../log/logger.js";
import type { PrepareRunner } from "./isolation.js";
import type { Prepared, PrepareInput } from "./prepare.js";

export type ThreadOptions = {
  threads: number;
  memoryMb: number;
  timeoutMs: number;
  /** A thread with no task for this long stops (default 30 s); the next task starts a new one. */
  idleMs?: number;
};

/** The runner, plus how many threads it has running now (a bulk ingest keeps them; an idle server has none). */
export type ThreadRunner = PrepareRunner & { threads(): number };

const DEFAULT_IDLE_MS = 30_000;

type Task = { id: number; input: PrepareInput; resolve(p: Prepared): void; reject(e: unknown): void };
type Slot = {
  worker: Worker;
  task?: Task;
  timer?: ReturnType<typeof setTimeout>;
  idle?: ReturnType<typeof setTimeout>;
};
type Described = { name: string; message: string; stage: string; kind?: ErrorKind; permanent?: boolean };
type Reply =
  | { id: number; ok: true; result: Prepared }
  | { id: number; ok: false; error: Described }
  /** The thread could not read the task it was sent (see thread-entry.ts). */
  | { unreadable: string };

const FROM_SOURCES = import.meta.url.endsWith(".ts");
// Inside `npm start`'s bundle (dist/node.mjs) the thread's entry is bundled beside it as dist/thread-entry.mjs
// (scripts/build.mjs) and starts directly; from TypeScript sources it is loaded through the tsx bootstrap.
const ENTRY = new URL(FROM_SOURCES ? "./thread-entry.ts" : "./thread-entry.mjs", import.meta.url);
const THREAD_SCRIPT = FROM_SOURCES ? new URL("./thread-bootstrap.mjs", import.meta.url) : ENTRY;

export function createThreadRunner(options: ThreadOptions): ThreadRunner {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const queue: Task[] = [];
  const slots = new Set<Slot>();
  let nextId = 1;

  const settle = (slot: Slot, outcome: { result?: Prepared; error?: unknown }) => {
    const task = slot.task;
    clearTimeout(slot.timer);
    slot.task = undefined;
    if (task) {
      if ("error" in outcome) task.reject(outcome.error);
      else task.resolve(outcome.result!);
    }
  };

  const retire = (slot: Slot, error: unknown) => {
    if (!slots.delete(slot)) return;
    clearTimeout(slot.idle);
    settle(slot, { error });
    void slot.worker.terminate().catch(() => {});
    pump();
  };

  const spawn = (): Slot => {
    const worker = new Worker(THREAD_SCRIPT, {
      workerData: { entry: ENTRY.href },
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const slot: Slot = { worker };
    worker.on("message", (reply: Reply | { ready: true }) => {
      if ("unreadable" in reply) {
        settle(slot, { error: uncopyable("the extraction thread could not read the task", reply.unreadable) });
        pump();
        return;
      }
      if (!("id" in reply) || reply.id !== slot.task?.id) return;
      settle(slot, reply.ok ? { result: reply.result } : { error: revive(reply.error) });
      pump();
    });
    // An answer this thread cannot read (nested past what V8 deserialises on this thread's stack): the task fails,
    // the thread stays (it has finished the task).
    worker.on("messageerror", (err: Error) => {
      settle(slot, { error: uncopyable("the extraction thread's answer could not be read", err.message) });
      pump();
    });
    worker.on("error", (err: Error & { code?: string }) => {
      const outOfMemory = err.code === "ERR_WORKER_OUT_OF_MEMORY";
      log.warn("extract.thread_failed", { code: err.code, error: err.message });
      retire(
        slot,
        outOfMemory
          ? new LimitExceeded(
              `extracting the file needed more than ${options.memoryMb} MB of memory; the limit is ${options.memoryMb} (EXTRACT_MEMORY_MB)`,
            )
          : new Error(`the extraction thread failed: ${err.message}`),
      );
    });
    worker.on("exit", () => retire(slot, new Error("the extraction thread stopped unexpectedly")));
    slots.add(slot);
    return slot;
  };

  const start = (slot: Slot, task: Task) => {
    clearTimeout(slot.idle);
    slot.idle = undefined;
    slot.task = task;
    slot.timer = setTimeout(() => {
      log.warn("extract.deadline", { fileName: task.input.fileName, timeoutMs: options.timeoutMs });
      retire(
        slot,
        new LimitExceeded(
          `extracting the file took longer than ${options.timeoutMs} ms; the limit is ${options.timeoutMs} (EXTRACT_TIMEOUT_MS)`,
        ),
      );
    }, options.timeoutMs);
    slot.timer.unref?.();
    try {
      slot.worker.postMessage({ id: task.id, input: task.input }, transferable(task.input.bytes));
    } catch (err) {
      // A task V8 cannot copy (a value nested too deeply, say) fails, synchronously and only itself: this runs
      // inside timers and message handlers, where a throw would end the process.
      settle(slot, { error: uncopyable("the file's task could not be sent to the extraction thread", err) });
    }
  };

  function pump(): void {
    while (queue.length > 0) {
      const idle = [...slots].find((s) => !s.task);
      const slot = idle ?? (slots.size < options.threads ? spawn() : undefined);
      if (!slot) return;
      start(slot, queue.shift()!);
    }
    for (const slot of slots) {
      if (slot.task || slot.idle) continue;
      // Stopping an idle thread is not a failure: `retire` settles no task, and its exit event finds no slot.
      slot.idle = setTimeout(() => retire(slot, undefined), idleMs);
      slot.idle.unref?.();
    }
  }

  const run = (input: PrepareInput) =>
    new Promise<Prepared>((resolve, reject) => {
      queue.push({ id: nextId++, input, resolve, reject });
      pump();
    });
  return Object.assign(run, { threads: () => slots.size });
}

/**
 * The file's buffer when the bytes fill it alone (the job read them into a buffer of their own): moved to the
 * thread instead of cloned, which copied a 25 MiB file on the HTTP thread in one go. The caller does not read
 * the bytes again; a view into a larger buffer is cloned as before.
 */
function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const { buffer } = bytes;
  const whole = buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength;
  return whole && bytes.byteLength > 0 ? [buffer] : [];
}

/** Permanent: the same task fails the same way on every attempt. */
function uncopyable(what: string, cause: unknown): AppError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError(
    "unprocessable",
    `${what} (${reason}); its options (args) are nested too deeply or cannot be copied`,
    {
      permanent: true,
    },
  );
}

/** The error a thread described, with its name (what the job runner and the HTTP edge match on) and stage. */
function revive(described: Described): Error {
  const error = described.kind
    ? new AppError(described.kind, described.message, { permanent: described.permanent ?? false })
    : new Error(described.message);
  return Object.assign(error, { name: described.name, stage: described.stage });
}

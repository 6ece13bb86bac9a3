/**
 * @module
 * The `pglite` transport, Node only: the embedded database (PGlite + pgvector) runs in a worker thread, so its
 * queries, WAL writes and migrations — synchronous WebAssembly — never block the HTTP event loop. Still one
 * handle per process, created lazily; the thread starts on the first statement.
 *
 * - Statements and their parameters (bytea as Uint8Array) are copied to the thread and rows copied back;
 *   `batch` runs as one transaction inside the thread.
 * - Postgres errors come back as `DatabaseError` with their SQLSTATE, like the pg-based transports.
 * - A thread that dies (crash, WebAssembly abort) fails its in-flight statements with `EmbeddedDatabaseStopped`
 *   (`unavailable`, retry later); the next statement starts a new thread on the same folder.
 * - WebAssembly memory never shrinks: after large work (an ingest) has grown it past `recycleBytes`, the thread
 *   is closed once idle and a fresh one opened, giving the memory back. The thread that ran the migrations on a
 *   new database is replaced the same way once they are done (`settled()`, called by the startup checks): the
 *   memory they touched stays resident although the WebAssembly memory's size stays at its initial 128 MiB.
 * - A new folder is created (initdb) by a short-lived child process before the first thread opens it. In a
 *   thread, creating it left ~100 MiB behind in the process even after that thread was gone (glibc keeps what
 *   the thread's allocator arena freed: the idle service held 326 MiB on a fresh folder vs 206 MiB reopened;
 *   BENCHMARKS.md, coldstart). Should the child fail to run, the thread creates it and is then replaced at once.
 *
 * @example
 * const db = createPgliteThreadDb({ ...config, pgliteDir: ".data/pglite" });
 * await db.query("select 1 as one");
 */
import { spawn as spawnProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { log } from "../log/logger.js";
import type { DbConfig } from "./config.js";
import { DatabaseError, EmbeddedAnswerUnreadable, EmbeddedDatabaseStopped } from "./errors.js";
import type { Described, Reply, Request } from "./pglite-thread-entry.js";
import type { Db, Row, Statement } from "./types.js";

export type PgliteThreadOptions = {
  /** WebAssembly memory past which an idle thread is replaced by a fresh one (default 192 MiB). */
  recycleBytes?: number;
  /** How long the handle must be idle before that happens (default 2 s). */
  recycleIdleMs?: number;
  /** Called with every thread started (tests crash it). */
  onThread?: (worker: Worker) => void;
  /** Called after a child process tried to create a missing database folder, with whether it did. */
  onCreate?: (created: boolean) => void;
};

const FROM_SOURCES = import.meta.url.endsWith(".ts");
// Inside `npm start`'s bundle (dist/node.mjs) the entry is bundled beside it as dist/pglite-thread.mjs
// (scripts/build.mjs) and starts directly; from TypeScript sources it is loaded through the tsx bootstrap.
const ENTRY = new URL(FROM_SOURCES ? "./pglite-thread-entry.ts" : "./pglite-thread.mjs", import.meta.url);
const THREAD_SCRIPT = FROM_SOURCES ? new URL("./thread-bootstrap.mjs", import.meta.url) : ENTRY;
const CLOSE_TIMEOUT_MS = 30_000;
// The thread's JavaScript heap holds each statement's parameters and rows on their way in and out of WebAssembly
// (file bytes travel in 1 MiB parts, lib/store/file-content.ts). The bound keeps one runaway statement from growing
// the whole process: it ends the thread like a crash instead.
const THREAD_HEAP_MB = 256;
const MiB = 1024 * 1024;

type Pending = { resolve(value: unknown): void; reject(error: unknown): void };
type Thread = {
  worker: Worker;
  pending: Map<number, Pending>;
  exited: Promise<void>;
  /** Closing (recycled or shut down): sent no more work. */
  stopping: boolean;
  wasmBytes: number;
  /** This thread created the database folder. */
  created: boolean;
  /** Replace this thread as soon as it is idle, whatever its memory's size (it ran one-off setup work). */
  retire: boolean;
};
type Work = { op: "query"; text: string; params?: unknown[] } | { op: "batch"; statements: Statement[] };

export function createPgliteThreadDb(config: DbConfig, options: PgliteThreadOptions = {}): Db {
  const recycleBytes = options.recycleBytes ?? 192 * MiB;
  const recycleIdleMs = options.recycleIdleMs ?? 2_000;
  let current: Promise<Thread> | undefined;
  /** The thread `current` resolved to, while it runs. */
  let active: Thread | undefined;
  // A new thread opens the folder only after the previous one has let go of it.
  let lastExit: Promise<void> = Promise.resolve();
  let closed = false;
  let nextId = 1;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const start = (): Promise<Thread> => {
    const opening = lastExit
      .then(createApart)
      .then(spawn)
      .then(async (thread) => {
        if (!thread.created) return thread;
        // The fallback: creating the database (initdb) leaves its memory behind (~300–500 MB of RSS): open it again afresh.
        lastExit = stop(thread);
        await lastExit;
        return spawn();
      });
    opening.then(
      (thread) => {
        if (current === opening) active = thread;
      },
      () => {
        if (current === opening) current = undefined;
      },
    );
    return opening;
  };

  /** Creates a missing database folder in a child process, which takes initdb's memory with it when it exits. */
  const createApart = async (): Promise<void> => {
    const dir = config.pgliteDir;
    if (dir === undefined || existsSync(join(dir, "PG_VERSION"))) return;
    const stderr: Buffer[] = [];
    const outcome = await new Promise<string | undefined>((resolve) => {
      const child = spawnProcess(process.execPath, [fileURLToPath(THREAD_SCRIPT)], {
        env: { ...process.env, SM_PGLITE_CREATE: dir, SM_PGLITE_ENTRY: ENTRY.href },
        stdio: ["ignore", "ignore", "pipe"],
      });
      child.stderr.on("data", (chunk: Buffer) => {
        if (stderr.length < 64) stderr.push(chunk);
      });
      child.once("error", (err) => resolve(err.message));
      child.once("exit", (code, signal) => resolve(code === 0 ? undefined : `exit ${code ?? signal}`));
    });
    options.onCreate?.(outcome === undefined);
    if (outcome === undefined) return;
    // The thread then creates it itself (and reports a real failure as its open error).
    log.warn("db.pglite.create_apart_failed", {
      reason: outcome,
      stderr: Buffer.concat(stderr).toString("utf8").slice(-2_000),
    });
  };

  const spawn = () =>
    new Promise<Thread>((resolve, reject) => {
      const worker = new Worker(THREAD_SCRIPT, {
        workerData: { entry: ENTRY.href, dir: config.pgliteDir },
        resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
      });
      const thread: Thread = {
        worker,
        pending: new Map(),
        stopping: false,
        wasmBytes: 0,
        created: false,
        retire: false,
        exited: new Promise((done) => worker.once("exit", () => done())),
      };
      options.onThread?.(worker);
      let failure: string | undefined;
      worker.on("error", (err) => {
        failure = err.message;
      });
      worker.on("message", (reply: Reply) => {
        if ("opened" in reply) {
          thread.wasmBytes = reply.wasmBytes;
          thread.created = reply.created;
          worker.unref();
          resolve(thread);
          return;
        }
        if ("openFailed" in reply) {
          const e = reply.openFailed;
          reject(new DatabaseError(`the embedded database could not open: ${e.message}`, e.code));
          return;
        }
        if ("unreadable" in reply) {
          failOldest(thread, new EmbeddedAnswerUnreadable("the statement", reply.unreadable.message));
          return;
        }
        const waiter = thread.pending.get(reply.id);
        if (!waiter) return;
        thread.pending.delete(reply.id);
        if (reply.ok) {
          thread.wasmBytes = reply.wasmBytes || thread.wasmBytes;
          waiter.resolve(reply.result);
        } else waiter.reject(revive(reply.error));
        if (thread.pending.size === 0) idle(thread);
      });
      // An answer this side cannot read (rows nested past what V8 deserialises on this thread's stack) arrives with
      // no id; the thread answers in order, so it is the oldest statement in flight, and only that one fails.
      worker.on("messageerror", (err: Error) => {
        failOldest(thread, new EmbeddedAnswerUnreadable("the answer", err.message));
      });
      worker.once("exit", (code) => {
        const reason = failure ?? `exit code ${code}`;
        if (!thread.stopping) log.warn("db.pglite.thread_stopped", { reason, inFlight: thread.pending.size });
        reject(new EmbeddedDatabaseStopped(reason));
        for (const waiter of thread.pending.values()) waiter.reject(new EmbeddedDatabaseStopped(reason));
        thread.pending.clear();
        thread.stopping = true;
        if (active === thread) {
          active = undefined;
          current = undefined;
        }
      });
    });

  /** Fails the oldest statement in flight (Map keeps insertion order, the order the thread answers in). */
  const failOldest = (thread: Thread, error: Error) => {
    const [id, waiter] = thread.pending.entries().next().value ?? [];
    if (id === undefined || !thread.pending.delete(id)) return;
    waiter!.reject(error);
    if (thread.pending.size === 0) idle(thread);
  };

  /** No statement in flight: let the process exit, and replace a thread whose memory grew past the bound. */
  const idle = (thread: Thread) => {
    if (thread.stopping) return;
    thread.worker.unref();
    clearTimeout(idleTimer);
    if (closed || (thread.wasmBytes <= recycleBytes && !thread.retire)) return;
    idleTimer = setTimeout(
      () => {
        if (thread.pending.size > 0 || thread.stopping || closed) return;
        log.info("db.pglite.recycle", { wasmMb: Math.round(thread.wasmBytes / MiB), retired: thread.retire });
        active = undefined;
        lastExit = stop(thread);
        current = start();
      },
      thread.retire ? 0 : recycleIdleMs,
    );
    idleTimer.unref?.();
  };

  /** Asks the thread to close the database (after everything sent before), then waits for it to exit. */
  const stop = (thread: Thread): Promise<void> => {
    thread.stopping = true;
    thread.worker.ref();
    const request: Request = { id: nextId++, op: "close" };
    thread.pending.set(request.id, { resolve: () => {}, reject: () => {} });
    thread.worker.postMessage(request);
    const deadline = setTimeout(() => {
      log.warn("db.pglite.close_timeout", { timeoutMs: CLOSE_TIMEOUT_MS });
      void thread.worker.terminate();
    }, CLOSE_TIMEOUT_MS);
    return thread.exited.finally(() => clearTimeout(deadline));
  };

  const send = async (work: Work): Promise<unknown> => {
    for (;;) {
      if (closed) throw new DatabaseError("the embedded database is closed", undefined);
      current ??= start();
      const thread = await current;
      if (thread.stopping) {
        // Recycled or crashed between the open and now: its successor (if any) is `current` once it exited.
        await thread.exited;
        continue;
      }
      clearTimeout(idleTimer);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        thread.pending.set(id, { resolve, reject });
        thread.worker.ref();
        try {
          thread.worker.postMessage({ id, ...work } satisfies Request);
        } catch (err) {
          thread.pending.delete(id);
          if (thread.pending.size === 0) idle(thread);
          reject(
            new DatabaseError(
              `a parameter cannot be sent to the embedded database: ${(err as Error).message}`,
              undefined,
            ),
          );
        }
      });
    }
  };

  return {
    transport: "pglite",
    query: async <T extends Row = Row>(text: string, params?: readonly unknown[]) =>
      (await send({ op: "query", text, params: params as unknown[] | undefined })) as T[],
    batch: async (statements) =>
      statements.length === 0 ? [] : ((await send({ op: "batch", statements: [...statements] })) as Row[][]),
    stats: () => ({ transport: "pglite" }),
    settled: () => {
      if (!active || active.stopping) return;
      active.retire = true;
      if (active.pending.size === 0) idle(active);
    },
    close: async () => {
      closed = true;
      clearTimeout(idleTimer);
      const running = current;
      current = undefined;
      const thread = await running?.catch(() => undefined);
      if (thread && !thread.stopping) lastExit = stop(thread);
      await lastExit;
    },
  };
}

/** The host-side error for what the thread described. */
function revive(error: Described): Error {
  if (error.fatal) return new EmbeddedDatabaseStopped(error.message);
  return new DatabaseError(error.message, error.code, { cause: { detail: error.detail, hint: error.hint } });
}

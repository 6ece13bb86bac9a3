/**
 * @module
 * The worker-thread side of `pglite-thread.ts`: opens the embedded database once and runs every statement the
 * host sends, answering with rows or a plain description of the error (message, SQLSTATE, detail). A failure of
 * the WebAssembly runtime itself (an abort, a trap, memory exhausted) leaves PGlite unusable: the thread answers
 * and then exits, and the host starts a new one on the same folder (Postgres recovers from its WAL).
 *
 * Run as a child process's main script with SM_PGLITE_CREATE=<folder>, it creates that database (initdb) and
 * exits: creating it leaves hundreds of MB behind in the process that did it (see `pglite-thread.ts`).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { batchIn, type Embedded, openEmbedded, wasmBytes } from "./pglite-open.js";
import type { Statement } from "./types.js";

export type Request =
  | { id: number; op: "query"; text: string; params?: unknown[] }
  | { id: number; op: "batch"; statements: Statement[] }
  | { id: number; op: "close" };

/** What crosses the thread boundary of an error: enough to rebuild the same error on the host. */
export type Described = { message: string; code?: string; detail?: string; hint?: string; fatal?: boolean };

export type Reply =
  /** `created`: this open created the database (ran initdb), which leaves hundreds of MB behind. */
  | { opened: true; wasmBytes: number; created: boolean }
  | { openFailed: Described }
  | { id: number; ok: true; result: unknown; wasmBytes: number }
  | { id: number; ok: false; error: Described }
  /** A request this thread could not read (it carries no id): the oldest one in flight, since answers keep order. */
  | { unreadable: Described };

const port = parentPort;
const post = (reply: Reply) => port?.postMessage(reply);

function describe(error: unknown): Described {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; detail?: unknown; hint?: unknown };
  const message = typeof e.message === "string" && e.message ? e.message : String(error);
  const code = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  // Postgres errors carry a SQLSTATE; a WebAssembly trap or an Emscripten abort means the runtime is broken.
  const fatal = !code && (error instanceof WebAssembly.RuntimeError || /^Aborted\(/.test(message));
  return {
    message,
    ...(code ? { code } : {}),
    ...(typeof e.detail === "string" ? { detail: e.detail } : {}),
    ...(typeof e.hint === "string" ? { hint: e.hint } : {}),
    ...(fatal ? { fatal } : {}),
  };
}

async function serve(db: Embedded, request: Request): Promise<void> {
  try {
    let result: unknown;
    if (request.op === "query") result = (await db.query(request.text, request.params)).rows;
    else if (request.op === "batch") result = await batchIn(db, request.statements);
    else {
      await db.close();
      post({ id: request.id, ok: true, result: null, wasmBytes: 0 });
      port?.close();
      return;
    }
    post({ id: request.id, ok: true, result, wasmBytes: wasmBytes(db) });
  } catch (error) {
    const described = describe(error);
    post({ id: request.id, ok: false, error: described });
    if (described.fatal) process.exit(1);
  }
}

if (port) {
  const { dir } = workerData as { dir?: string };
  try {
    const created = dir !== undefined && !existsSync(join(dir, "PG_VERSION"));
    const db = await openEmbedded(dir);
    // One at a time, in order: PGlite runs one statement at a time anyway, and `close` then follows every
    // statement sent before it.
    let queue = Promise.resolve();
    port.on("message", (request: Request) => {
      queue = queue.then(() => serve(db, request));
    });
    // Queued like a request, so the host can match the answer to the request by order.
    port.on("messageerror", (error: Error) => {
      queue = queue.then(() => post({ unreadable: describe(error) }));
    });
    post({ opened: true, wasmBytes: wasmBytes(db), created });
  } catch (error) {
    post({ openFailed: describe(error) });
    port.close();
  }
} else if (process.env.SM_PGLITE_CREATE) {
  const db = await openEmbedded(process.env.SM_PGLITE_CREATE);
  await db.close();
}

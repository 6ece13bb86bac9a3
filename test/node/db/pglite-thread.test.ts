/**
 * The embedded database in its worker thread (`lib/db/pglite-thread.ts`) behaves like the pg-based transports
 * behind `Db` (the values and SQLSTATEs `db/parity.test.ts` pins for pool and http), keeps bytea intact, runs a
 * batch atomically, survives a crash of its thread (in-flight statements fail with a transient error, the next
 * one runs on a new thread, committed data is still there), gives its WebAssembly memory back by recycling an
 * idle thread, closes without hanging, never blocks the caller's event loop while it works, and fails (never
 * strands) a statement whose parameters or rows cannot cross the thread boundary.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DatabaseError,
  DatabaseUnavailable,
  EmbeddedAnswerUnreadable,
  EmbeddedDatabaseStopped,
} from "../../../lib/db/errors.js";
import { createPgliteThreadDb } from "../../../lib/db/pglite-thread.js";
import type { Db } from "../../../lib/db/types.js";
import type { AppError } from "../../../lib/errors.js";
import { dbConfig } from "../../helpers/db-handles.js";

let dataRoot: string;
const open: Db[] = [];
/** One database for the tests that need no thread of their own (creating a database costs seconds). */
let shared: ReturnType<typeof threadDb>;

beforeAll(async () => {
  dataRoot = await mkdtemp(path.join(tmpdir(), "sm-pglite-thread-"));
  shared = threadDb("shared");
});

afterAll(async () => {
  await Promise.all(open.map((db) => db.close()));
  await rm(dataRoot, { recursive: true, force: true });
});

function threadDb(folder: string, options: Parameters<typeof createPgliteThreadDb>[1] = {}) {
  const workers: Worker[] = [];
  const creates: boolean[] = [];
  const db = createPgliteThreadDb(
    { ...dbConfig("unused", { transport: "pglite" }), pgliteDir: path.join(dataRoot, folder) },
    { ...options, onThread: (w) => workers.push(w), onCreate: (created) => creates.push(created) },
  );
  open.push(db);
  return { db, workers, creates };
}

const at = new Date("2026-01-02T03:04:05.678Z");

describe("the embedded database in a worker thread", () => {
  it("returns the values the pg-based transports return, and bytea byte for byte", async () => {
    const { db, workers, creates } = shared;
    expect(workers).toHaveLength(0); // lazily: no thread before the first statement
    await db.query("create extension if not exists vector");
    await db.query(
      `create table t (id int primary key, emb vector(3), amount numeric(10,2), big bigint, at timestamptz,
        tags text[], doc jsonb, note text, bytes bytea)`,
    );
    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 31 + 7) % 256);
    await db.query("insert into t values ($1, $2::vector, $3, $4, $5, $6, $7, $8, $9)", [
      1,
      JSON.stringify([0.5, -1, 2.25]),
      "12.30",
      "9007199254740993",
      at,
      ["a", "b c", "ü"],
      { k: [1, "x"] },
      "héllo ✓",
      Buffer.from(bytes),
    ]);
    const [row] = await db.query("select * from t where id = 1");
    expect({ ...row, bytes: undefined }).toEqual({
      id: 1,
      emb: "[0.5,-1,2.25]",
      amount: "12.30",
      big: "9007199254740993",
      at,
      tags: ["a", "b c", "ü"],
      doc: { k: [1, "x"] },
      note: "héllo ✓",
      bytes: undefined,
    });
    expect(row!.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(Buffer.from(row!.bytes as Uint8Array), Buffer.from(bytes))).toBe(0);
    // A view into a larger buffer sends only its own bytes.
    const [view] = await db.query("select $1::bytea as b, length($1::bytea) as n", [bytes.subarray(1, 4)]);
    expect(view).toEqual({ b: new Uint8Array([bytes[1]!, bytes[2]!, bytes[3]!]), n: 3 });
    // A string is bytea's text input, as with the pg driver; anything else is refused.
    expect(await db.query("select $1::bytea as b", ["\\x0102"])).toEqual([{ b: new Uint8Array([1, 2]) }]);
    await expect(db.query("select $1::bytea", [42])).rejects.toBeInstanceOf(DatabaseError);
    // A child process created the database (initdb) and took that work's memory with it: the one thread only
    // ever opened an existing folder.
    expect(creates).toEqual([true]);
    expect(workers).toHaveLength(1);
  });

  it("raises the SQLSTATEs the pg-based transports raise, as DatabaseError", async () => {
    const { db } = shared;
    await db.query("create table u (id int primary key)");
    await db.query("insert into u values (1)");
    const cases: Array<[string, unknown[], string]> = [
      ["select * from no_such_table", [], "42P01"],
      ["insert into u (id) values (1)", [], "23505"],
      ["select $1::int", ["not a number"], "22P02"],
      ["select (1/0)", [], "22012"],
      ["selec 1", [], "42601"],
    ];
    for (const [sql, params, code] of cases) {
      const err = await db.query(sql, params).catch((e: unknown) => e);
      expect(err, sql).toBeInstanceOf(DatabaseError);
      expect((err as DatabaseError).code, sql).toBe(code);
    }
    // A parameter that cannot cross the thread boundary is refused, and the handle keeps working.
    const unsendable = await db.query("select $1::text", [() => 1]).catch((e: unknown) => e);
    expect(unsendable).toBeInstanceOf(DatabaseError);
    expect(await db.query("select count(*)::int as n from u")).toEqual([{ n: 1 }]);
  });

  it("fails a statement whose rows cannot be read on this side, alone; statements around it still answer", async () => {
    const { db } = shared;
    // jsonb 4,000 deep: the thread (4 MB of stack) sends it, this thread's V8 cannot deserialise it (messageerror).
    const deep = `${'{"a":'.repeat(4_000)}{}${"}".repeat(4_000)}`;
    const [before, unreadable, after] = await Promise.all([
      db.query("select 1 as n"),
      db.query("select $1::jsonb as doc", [deep]).catch((e: unknown) => e),
      db.query("select 2 as n"),
    ]);
    expect(before).toEqual([{ n: 1 }]);
    // Permanent: the same row fails the same way (a job reading it fails at once rather than retrying).
    expect(unreadable).toBeInstanceOf(EmbeddedAnswerUnreadable);
    expect((unreadable as AppError).permanent).toBe(true);
    expect((unreadable as Error).message).toMatch(/answer could not cross the embedded database's thread boundary/);
    expect(after).toEqual([{ n: 2 }]);
    // Sent from here, the same value fails before it leaves (the serialiser overflows), also as a DatabaseError.
    let nested: Record<string, unknown> = {};
    for (let i = 0; i < 4_000; i++) nested = { a: nested };
    await expect(db.query("select $1::jsonb", [nested])).rejects.toBeInstanceOf(DatabaseError);
    expect(await db.query("select 3 as n")).toEqual([{ n: 3 }]);
  });

  it("runs a batch as one transaction: results per statement, and nothing left behind when one fails", async () => {
    const { db } = shared;
    await db.query("create table b (id int primary key, note text)");
    expect(await db.batch([{ text: "select 1 as one" }, { text: "select $1::text as echo", params: ["x"] }])).toEqual([
      [{ one: 1 }],
      [{ echo: "x" }],
    ]);
    const failing = db.batch([
      { text: "insert into b values (1, 'first')" },
      { text: "insert into b values (2, 'second')" },
      { text: "insert into b values (1, 'duplicate')" },
    ]);
    await expect(failing).rejects.toMatchObject({ name: "DatabaseError", code: "23505" });
    expect(await db.query("select id from b")).toEqual([]);
    // Statements sent concurrently with a batch never land inside it.
    const [, inserted] = await Promise.all([
      db.batch([{ text: "insert into b values (10, 'x')" }, { text: "select 1" }]),
      db.query("insert into b values (11, 'y') returning id"),
    ]);
    expect(inserted).toEqual([{ id: 11 }]);
  });

  it("fails in-flight statements with a transient error when its thread dies, then runs on a new thread", async () => {
    const { db, workers } = threadDb("crash");
    await db.query("create table c (id int primary key)");
    await db.query("insert into c values (1)");
    const threads = workers.length;
    const slow = db.query("select count(*) from generate_series(1, 50000000)");
    await new Promise((r) => setTimeout(r, 200));
    await workers.at(-1)!.terminate();
    const err = await slow.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddedDatabaseStopped);
    expect(err).toBeInstanceOf(DatabaseUnavailable);
    expect((err as AppError).kind).toBe("unavailable");
    expect((err as AppError).permanent).toBe(false);
    expect((err as Error).message).toMatch(/embedded database thread stopped.*retry later/);

    expect(await db.query("select id from c")).toEqual([{ id: 1 }]);
    expect(workers).toHaveLength(threads + 1);
  });

  it("replaces an idle thread whose memory grew past the bound, keeping every committed row", async () => {
    const { db, workers } = threadDb("recycle", { recycleBytes: 1, recycleIdleMs: 50 });
    await db.query("create table r (id int primary key)");
    const threads = workers.length;
    await db.query("insert into r values (1)");
    for (let i = 0; i < 100 && workers.length === threads; i++) await new Promise((r) => setTimeout(r, 100));
    expect(workers.length).toBeGreaterThan(threads);
    expect(await db.query("select id from r")).toEqual([{ id: 1 }]);
  });

  it("replaces its thread once the setup work has settled, at once and whatever its memory's size", async () => {
    const { db, workers } = threadDb("settled"); // default bound: 192 MiB, above a fresh thread's 128 MiB
    await db.batch([{ text: "create table s (id int primary key)" }, { text: "insert into s values (1)" }]);
    expect(workers).toHaveLength(1);
    db.settled?.();
    for (let i = 0; i < 100 && workers.length === 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(workers).toHaveLength(2);
    expect(await db.query("select id from s")).toEqual([{ id: 1 }]);
    expect(workers[0]!.threadId).toBe(-1); // the first one exited
    // Only the thread that ran the setup is retired: its successor serves on.
    await db.query("insert into s values (2)");
    expect(await db.query("select count(*)::int as n from s")).toEqual([{ n: 2 }]);
    expect(workers).toHaveLength(2);
  });

  it("closes after the statements sent before it, and refuses statements afterwards", async () => {
    const { db, workers } = threadDb("close");
    await db.query("create table d (id int)");
    const pending = db.query("insert into d values (1) returning id");
    await db.close();
    expect(await pending).toEqual([{ id: 1 }]);
    expect(workers.map((w) => w.threadId)).toEqual(workers.map(() => -1)); // every thread exited
    await expect(db.query("select 1")).rejects.toBeInstanceOf(DatabaseError);

    const { db: reopened } = threadDb("close");
    expect(await reopened.query("select id from d")).toEqual([{ id: 1 }]);
  });

  it("works while the caller's event loop stays free (monitorEventLoopDelay)", async () => {
    const { db } = shared;
    await db.query("select 1");
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    // About a second of work inside the database: an aggregate over 20 M generated rows.
    await db.query("select count(*) from generate_series(1, 20000000)");
    histogram.disable();
    // The same statement run in-process would hold the loop for its whole duration.
    expect(histogram.max / 1e6).toBeLessThan(200);
  });
});

/**
 * The Node extraction threads (lib/ingest/node-threads.ts) hold ~50 MB each, so an idle server must hold none:
 * a thread starts with the first task, stops after `idleMs` without one, and the next task starts another.
 * A task that cannot cross the thread boundary (args nested 4,000 deep: V8's serialiser overflows) fails alone,
 * as a permanent error, and the next task runs.
 */
import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { DEFAULT_LIMITS } from "../../../lib/extract/limits.js";
import { createThreadRunner } from "../../../lib/ingest/node-threads.js";
import type { PrepareInput } from "../../../lib/ingest/prepare.js";

const input = (text: string): PrepareInput => ({
  bytes: new TextEncoder().encode(text),
  fileName: "notes.txt",
  contentType: "text/plain",
  maxTokens: 8192,
  limits: DEFAULT_LIMITS,
  chunksBefore: 0,
});

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("extraction threads", () => {
  it("start with the first task, stop when idle, and start again for the next task", async () => {
    const runner = createThreadRunner({ threads: 1, memoryMb: 128, timeoutMs: 60_000, idleMs: 300 });
    expect(runner.threads()).toBe(0);

    const first = await runner(input("The first document. It has two sentences."));
    expect(first.chunks.map((c) => c.text).join(" ")).toContain("two sentences");
    expect(runner.threads()).toBe(1);

    await until(() => runner.threads() === 0);

    const second = await runner(input("A second document, after the thread went away."));
    expect(second.chunks.map((c) => c.text).join(" ")).toContain("went away");
    expect(runner.threads()).toBe(1);
    await until(() => runner.threads() === 0);
  }, 60_000);

  it("keeps a busy thread: tasks queued back to back run on one thread without a restart", async () => {
    const runner = createThreadRunner({ threads: 1, memoryMb: 128, timeoutMs: 60_000, idleMs: 300 });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => runner(input(`Document number ${i} says hello.`))),
    );
    expect(results.map((r) => r.chunks.length)).toEqual([1, 1, 1, 1, 1]);
    expect(runner.threads()).toBe(1);
    await until(() => runner.threads() === 0);
  }, 60_000);

  it("fails a task that cannot be sent to the thread, permanently, and runs the next one", async () => {
    const runner = createThreadRunner({ threads: 1, memoryMb: 128, timeoutMs: 60_000, idleMs: 300 });
    let args: Record<string, unknown> = {};
    for (let i = 0; i < 4_000; i++) args = { a: args };
    // Queued behind a normal task, so the poisoned one is sent from the thread's message handler, not the caller.
    const before = runner(input("Before the poisoned task."));
    const poisoned = runner({ ...input("Poisoned by its args."), args }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const after = runner(input("After the poisoned task."));
    expect((await before).chunks.length).toBe(1);
    const error = await poisoned;
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).permanent).toBe(true);
    expect((error as AppError).message).toMatch(/could not be sent to the extraction thread/);
    expect((await after).chunks.map((c) => c.text).join(" ")).toContain("After the poisoned");
    await until(() => runner.threads() === 0);
  }, 60_000);
});

/**
 * @module
 * The per-request `MemoryContext` the memory verbs take, built from the
 * instance's services. Migrations run (once per instance) before the first
 * verb touches the store.
 */
import type { Context } from "hono";
import { log } from "../../log/logger.js";
import type { MemoryContext } from "../../memory/types.js";
import { trackBackground } from "../../runtime/background.js";
import { memoryContextOf } from "../../runtime/services.js";
import type { HonoEnv } from "../hono-env.js";

export async function memoryContext(c: Context<HonoEnv>): Promise<MemoryContext> {
  const services = c.get("services");
  const waitUntil = waitUntilFor(c);
  await services.ready();
  return memoryContextOf(services, waitUntil);
}

/**
 * Workers end an invocation with its response unless background work is handed
 * to `executionCtx.waitUntil`. Node keeps running promises by itself, so there
 * the promise only gets a `.catch` that logs, never an unhandled rejection.
 * (`c.executionCtx` throws when the runtime has none, as on Node.)
 */
function guarded(promise: Promise<unknown>): Promise<unknown> {
  return promise.catch((error: unknown) => log.error("background.failed", { error }));
}

export function waitUntilFor(c: Context<HonoEnv>): (promise: Promise<unknown>) => void {
  try {
    const ctx = c.executionCtx;
    if (typeof ctx?.waitUntil === "function") return (promise) => ctx.waitUntil(guarded(promise));
  } catch {
    // No execution context: Node, Lambda, tests through app.request.
  }
  return (promise) => trackBackground(guarded(promise));
}

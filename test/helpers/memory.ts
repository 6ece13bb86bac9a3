/**
 * @module
 * A MemoryContext over a real test database, with an embedder wrapper that
 * counts what reaches the (offline) embedder and a waitUntil that lets tests
 * await background pipeline runs.
 */
import "../../lib/db/node.js";
import type { Embedder } from "../../lib/ai/types.js";
import { runUploadedJob } from "../../lib/ingest/runner.js";
import type { MemoryContext } from "../../lib/memory/types.js";
import { servicesFor } from "../../lib/runtime/services.js";

export type CountingEmbedder = Embedder & { calls: number; texts: number };

export function counting(inner: Embedder): CountingEmbedder {
  const wrapper: CountingEmbedder = {
    id: inner.id,
    dimensions: inner.dimensions,
    maxTokens: inner.maxTokens,
    calls: 0,
    texts: 0,
    embed: async (texts, opts) => {
      wrapper.calls++;
      wrapper.texts += texts.length;
      return inner.embed(texts, opts);
    },
  };
  return wrapper;
}

export async function memoryContext(env: Record<string, string>) {
  const services = servicesFor({ LOG_LEVEL: "warn", ...env });
  await services.ready();
  const pending: Promise<unknown>[] = [];
  const embedder = counting(services.embedder);
  const ctx: MemoryContext = {
    db: services.db,
    config: services.config,
    embedder,
    generator: services.generator,
    waitUntil: (p) => void pending.push(p),
    startJob: runUploadedJob,
  };
  return {
    ctx,
    embedder,
    /** Waits for every background run started so far. */
    settle: async () => {
      while (pending.length) await Promise.all(pending.splice(0));
    },
  };
}

export const text = (name: string, body: string) => ({ name, bytes: new TextEncoder().encode(body) });

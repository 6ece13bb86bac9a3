/**
 * @module
 * A MemoryContext over a real test database, with an embedder wrapper that
 * counts what reaches the (offline) embedder and a waitUntil that lets tests
 * await background pipeline runs.
 */
import type { Embedder } from "../../lib/ai/types.js";
import { type IngestContext, prepareInThread } from "../../lib/ingest/isolation.js";
import { runUploadedJob } from "../../lib/ingest/runner.js";
import { servicesFor } from "../../lib/runtime/services.js";
import { ingestStore } from "../../lib/store/ingest-store.js";
import { testRuntime } from "./runtime.js";

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
  const services = servicesFor({ LOG_LEVEL: "warn", ...env }, testRuntime);
  await services.ready();
  const pending: Promise<unknown>[] = [];
  const embedder = counting(services.embedder);
  const ctx: IngestContext = {
    db: services.db,
    config: services.config,
    embedder,
    generator: services.generator,
    waitUntil: (p) => void pending.push(p),
    startJob: (ctx, jobId) => runUploadedJob({ ...ctx, store: ingestStore(ctx.db), prepare: prepareInThread }, jobId),
    tokenCounter: services.tokenCounter,
    store: ingestStore(services.db),
    prepare: prepareInThread,
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

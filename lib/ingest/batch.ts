/**
 * @module
 * The pipeline for many documents at once, for throughput: one read of the batch's documents and files, their
 * files prepared together, one embedding-cache lookup, one embedding call for everything missing (the embedder
 * splits it into the provider's batch size), and one transaction that caches the vectors and replaces every
 * document's chunks. The outcome is per document, as `processDocument`'s: a file that fails to extract fails its
 * own document (with its own error, final or retried by its own attempts) and the others go on. When a shared
 * step fails (the embedder, the write), each document is run again alone through `processDocument`, so a
 * poisoned input can only ever fail itself.
 */
import { toSql } from "pgvector";
import { log } from "../log/logger.js";
import { type BatchDocument, keyOf } from "../store/batch-ingest.js";
import type { DocumentToProcess } from "../store/memory-store.js";
import { embeddingText } from "./chunk-context.js";
import type { Ingesting } from "./isolation.js";
import { failed, type PipelineOutcome, processDocument, type Target } from "./pipeline.js";
import { chunkDrafts, prepareFiles } from "./prepare-files.js";
import { WEB_PAGE_TYPE } from "./web-page.js";

type Ready = { target: Target; doc: BatchDocument };

/** Runs the targets' pipelines together; the outcomes are in the targets' order. */
export async function processBatch(ctx: Ingesting, targets: readonly Target[]): Promise<PipelineOutcome[]> {
  if (targets.length <= 1) return Promise.all(targets.map((t) => processDocument(ctx, t)));
  let docs: Map<string, DocumentToProcess>;
  try {
    docs = await ctx.store.loadBatchForProcessing(targets);
  } catch (error) {
    log.warn("batch.load_failed", { documents: targets.length, error: (error as Error).message });
    return alone(ctx, targets);
  }
  const outcomes = new Map<Target, PipelineOutcome>();
  const ready: Ready[] = [];
  const single: Target[] = [];
  await Promise.all(
    targets.map(async (target) => {
      const doc = docs.get(keyOf(target));
      if (!doc) return void outcomes.set(target, { status: "missing" });
      if (doc.generation !== target.generation) return void outcomes.set(target, { status: "superseded" });
      if (doc.completedSteps.includes("save_records")) {
        return void outcomes.set(target, { status: "completed", chunks: 0, embedded: 0, reused: 0 });
      }
      // A web page is fetched, a file whose bytes are gone fails: the one-document path says how.
      if (doc.files.some((f) => f.content === null || (f.contentType === WEB_PAGE_TYPE && f.sourceUrl))) {
        return void single.push(target);
      }
      const prepared = await prepareFiles(ctx, doc);
      if ("error" in prepared)
        return void outcomes.set(target, await failed(ctx, target, prepared.step, prepared.error));
      const chunks = await chunkDrafts(ctx, target, prepared.files);
      // A document without text is saved `empty` with the reason why: the one-document path says it.
      if (chunks.length === 0) return void single.push(target);
      ready.push({ target, doc: { ...target, tags: doc.tags, chunks } });
    }),
  );
  for (const [target, outcome] of await embedAndSave(ctx, ready)) outcomes.set(target, outcome);
  for (const [i, outcome] of (await alone(ctx, single)).entries()) outcomes.set(single[i]!, outcome);
  return targets.map((t) => outcomes.get(t)!);
}

function alone(ctx: Ingesting, targets: readonly Target[]): Promise<PipelineOutcome[]> {
  return Promise.all(targets.map((t) => processDocument(ctx, t)));
}

/** The shared steps; if one fails, every document of the batch runs again alone. */
async function embedAndSave(ctx: Ingesting, ready: readonly Ready[]): Promise<Map<Target, PipelineOutcome>> {
  const outcomes = new Map<Target, PipelineOutcome>();
  if (!ready.length) return outcomes;
  try {
    const pairs = new Map<string, { index: string; hash: string; text: string }>();
    for (const { doc } of ready) {
      for (const c of doc.chunks) {
        pairs.set(`${doc.index}\n${c.contentHash}`, {
          index: doc.index,
          hash: c.contentHash,
          text: embeddingText(c.context, c.text),
        });
      }
    }
    const known = await ctx.store.findCachedBatch([...pairs.values()]);
    const missing = [...pairs].filter(([key]) => !known.has(key)).map(([, p]) => p);
    const vectors = missing.length ? await ctx.embedder.embed(missing.map((p) => p.text)) : [];
    const embeddings = missing.map((p, i) => ({ index: p.index, hash: p.hash, embedding: toSql(vectors[i]) }));
    const saved = await ctx.store.saveBatch({
      documents: ready.map((r) => r.doc),
      embeddings,
      keepFiles: ctx.config.KEEP_ORIGINAL_FILES,
    });
    const fresh = new Set(missing.map((p) => `${p.index}\n${p.hash}`));
    for (const { target, doc } of ready) {
      if (!saved.has(keyOf(doc))) {
        outcomes.set(target, { status: "superseded" });
        continue;
      }
      const embedded = new Set(
        doc.chunks.filter((c) => fresh.has(`${doc.index}\n${c.contentHash}`)).map((c) => c.contentHash),
      ).size;
      outcomes.set(target, {
        status: "completed",
        chunks: doc.chunks.length,
        embedded,
        reused: doc.chunks.length - embedded,
      });
    }
    return outcomes;
  } catch (error) {
    log.warn("batch.shared_step_failed", { documents: ready.length, error: (error as Error).message });
    const targets = ready.map((r) => r.target);
    for (const [i, outcome] of (await alone(ctx, targets)).entries()) outcomes.set(targets[i]!, outcome);
    return outcomes;
  }
}

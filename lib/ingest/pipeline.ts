/**
 * @module
 * The ingestion pipeline: extract → partition → gen_embeddings → save_records,
 * for one generation of one document. Each step is recorded as it completes.
 * Every step is idempotent: extraction and partitioning are deterministic,
 * embeddings are cached by content hash as soon as they exist, and the final
 * save is one atomic, generation-guarded replace, so a run resumed after a
 * crash produces exactly the document a clean run would. This module is the
 * one writer of a document's pipeline status, failures included: it decides a
 * failure is final when the error is permanent or the job's attempts are spent.
 */

import { toSql } from "pgvector";
import { AppError } from "../errors.js";
import type { PipelineStep } from "../memory/types.js";
import { embeddingText } from "./chunk-context.js";
import type { Ingesting } from "./isolation.js";
import type { Prepared } from "./prepare.js";
import { chunkDrafts, prepareFiles } from "./prepare-files.js";

export type PipelineOutcome =
  | { status: "completed"; chunks: number; embedded: number; reused: number }
  | { status: "superseded" | "missing" }
  | ({ status: "failed"; step: PipelineStep; error: unknown; message: string } & (
      | { final: true }
      /** Retried after its backoff. */
      | { final: false; retryInSeconds: number }
    ));

export type Target = { index: string; documentId: string; generation: number; attempts: number; maxAttempts: number };

/** Runs the steps; a final failure is recorded on the document before it is returned. */
export async function processDocument(ctx: Ingesting, target: Target): Promise<PipelineOutcome> {
  let failure: { step: PipelineStep; error: unknown };
  try {
    const outcome = await runSteps(ctx, target);
    if (outcome.status !== "failed") return outcome;
    failure = outcome;
  } catch (error) {
    // Loading the document failed (database unavailable): the job stays claimable.
    failure = { step: "extract", error };
  }
  return failed(ctx, target, failure.step, failure.error);
}

/**
 * A run's failure, final when the error is permanent or the attempts are spent (then recorded on the document),
 * else to be retried after an exponential backoff.
 */
export async function failed(
  ctx: Ingesting,
  target: Target,
  step: PipelineStep,
  error: unknown,
): Promise<Extract<PipelineOutcome, { status: "failed" }>> {
  const message = readable(error);
  const final = (error instanceof AppError && error.permanent) || target.attempts >= target.maxAttempts;
  if (!final) {
    const retryInSeconds = backoffSeconds(ctx.config.JOB_RETRY_BASE_SECONDS, target.attempts);
    return { status: "failed", step, error, message, final, retryInSeconds };
  }
  const { index, documentId, generation } = target;
  await ctx.store.markFailed(index, documentId, generation, { step, message });
  return { status: "failed", step, error, message, final };
}

/** Exponential in the attempts made, capped at ten minutes, with jitter over its upper half. */
function backoffSeconds(base: number, attempts: number): number {
  const ceiling = Math.min(600, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

async function runSteps(
  ctx: Ingesting,
  target: Target,
): Promise<Exclude<PipelineOutcome, { status: "failed" }> | { status: "failed"; step: PipelineStep; error: unknown }> {
  const { index, documentId, generation } = target;
  const doc = await ctx.store.loadForProcessing(index, documentId);
  if (!doc) return { status: "missing" };
  if (doc.generation !== generation) return { status: "superseded" };
  // save_records is only ever recorded by the atomic replace that also clears the files' content: this
  // generation is already complete (a run saved it, then lost the database before marking its job done).
  if (doc.completedSteps.includes("save_records")) return { status: "completed", chunks: 0, embedded: 0, reused: 0 };
  let step: PipelineStep = "extract";
  try {
    // Extraction and chunking of untrusted bytes run isolated (a worker thread on Node) and within the caps.
    const prepared = await prepareFiles(ctx, doc);
    if ("error" in prepared) return { status: "failed", step: prepared.step, error: prepared.error };

    step = "partition";
    const drafts = await chunkDrafts(ctx, target, prepared.files);
    // A document without text is completed but never reported ready: its status says `empty` and why.
    const emptyReason = drafts.length === 0 ? whyEmpty(prepared.files) : null;
    // Round trips per document are the cost over a remote database: extract and partition are recorded together,
    // with the cache lookup; gen_embeddings with the cache write (or, when nothing was missing, with the save).
    const hashes = [...new Set(drafts.map((d) => d.contentHash))];
    const known = await ctx.store.recordStepsAndFindCached(target, ["extract", "partition"], hashes);

    step = "gen_embeddings";
    const missing = [
      ...new Map(
        drafts.filter((d) => !known.has(d.contentHash)).map((d) => [d.contentHash, embeddingText(d.context, d.text)]),
      ),
    ];
    if (missing.length) {
      const vectors = await ctx.embedder.embed(missing.map(([, text]) => text));
      const fresh = missing.map(([hash], i): [string, string] => [hash, toSql(vectors[i])]);
      await ctx.store.cacheEmbeddings(target, fresh, step);
    }

    step = "save_records";
    const saved = await ctx.store.replaceChunks({
      index,
      documentId,
      generation,
      tags: doc.tags,
      chunks: drafts,
      keepFiles: ctx.config.KEEP_ORIGINAL_FILES,
      emptyReason,
    });
    if (!saved) return { status: "superseded" };
    return {
      status: "completed",
      chunks: drafts.length,
      embedded: missing.length,
      reused: drafts.length - missing.length,
    };
  } catch (error) {
    return { status: "failed", step, error };
  }
}

/** Why a document that makes no chunk holds no text: its files' notes (OCR off, a scan), else that they hold none. */
function whyEmpty(prepared: Array<{ file: { name: string } } & Prepared>): string {
  const notes = prepared.flatMap((p) => p.notes ?? []);
  if (notes.length > 0) return readable(notes.join("; "));
  const names = prepared.map((p) => `"${p.file.name}"`).join(", ");
  return names ? `${names} ${prepared.length === 1 ? "contains" : "contain"} no text` : "it has no file";
}

function readable(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}

/**
 * @module
 * `uploadDocuments`: many one-file documents of one index in one call (the bulk upload), stored with their jobs
 * in one transaction (store/bulk-upload.ts), then started together through the context's `startJobs` (Node: the
 * runner's batch path) or `startJob` each (Workers: one queue message each; the consumer gets them as a batch).
 * Per document it means what `uploadDocument` means: the same documentId replaces the document, an unchanged
 * re-upload is a no-op, and a bad file type refuses the whole call before anything is stored.
 */
import { log } from "../log/logger.js";
import { DEFAULT_STEPS, type UploadInput, type Uploading } from "../memory/types.js";
import { type BulkRow, ingestedFromMany, saveBulkUpload } from "../store/bulk-upload.js";
import { textConfigForUpload } from "./text-config.js";
import { ingestFingerprint, storedFiles } from "./upload.js";
import { WEB_PAGE_TYPE } from "./web-page.js";

export type BulkDocument = Omit<UploadInput, "index" | "args">;

export async function uploadDocuments(
  ctx: Uploading,
  input: { index: string; documents: readonly BulkDocument[] },
): Promise<{ index: string; documents: Array<{ index: string; documentId: string }> }> {
  const { index } = input;
  const rows: BulkRow[] = [];
  const fingerprints = new Map<string, string>();
  for (const [position, doc] of input.documents.entries()) {
    // A refused file names its document (the edge turns the position into its line).
    const files = await storedFiles(ctx, doc.files).catch((error: unknown) => {
      throw error instanceof Error ? Object.assign(error, { document: position }) : error;
    });
    const steps = doc.steps.length ? doc.steps : DEFAULT_STEPS;
    const full = { ...doc, index };
    // A page behind a URL may have changed although its address did not: those are always fetched again.
    const fingerprint =
      files[0]!.contentType === WEB_PAGE_TYPE ? undefined : await ingestFingerprint(ctx, full, files, steps);
    if (fingerprint) fingerprints.set(doc.documentId, fingerprint);
    rows.push({
      documentId: doc.documentId,
      tags: doc.tags,
      steps,
      file: files[0]!,
      ...(fingerprint ? { fingerprint } : {}),
    });
  }
  const textConfig = await textConfigForUpload(ctx, index, undefined);
  const unchanged = await ingestedFromMany(ctx.db, index, fingerprints);
  const changed = rows.filter((r) => !unchanged.has(r.documentId));
  const accepted = input.documents.map((d) => ({ index, documentId: d.documentId }));
  if (!changed.length) return { index, documents: accepted };
  const jobs = await saveBulkUpload(ctx.db, {
    index,
    textConfig,
    maxAttempts: ctx.config.JOB_MAX_ATTEMPTS,
    rows: changed,
  });
  const jobIds = [...jobs.values()];
  // The jobs are already durable; this run only makes them fast. If it dies, cron takes over.
  const start = ctx.startJobs ? ctx.startJobs(ctx, jobIds) : Promise.all(jobIds.map((id) => ctx.startJob(ctx, id)));
  ctx.waitUntil(
    start.catch((err: unknown) => log.error("job.crashed", { index, documents: jobIds.length, error: err })),
  );
  return { index, documents: accepted };
}

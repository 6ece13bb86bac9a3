/**
 * @module
 * `uploadDocument`: stores the files and a fresh pipeline status in one atomic
 * batch with its ingestion job (the index is created by its first upload),
 * then asks its context to start that job (`ctx.startJob`, wired by the
 * composition root) in the background of the same invocation. Re-uploading a
 * documentId replaces the document; its old chunks stay searchable until the new ones land.
 */
import { detectContentType, UnsupportedContentType } from "../extract/index.js";
import { log } from "../log/logger.js";
import { type StoredFile, saveUpload } from "../store/memory-store.js";
import { sha256Hex } from "./hashing.js";
import { DEFAULT_STEPS, type MemoryContext, type UploadInput } from "./types.js";
import { checkWebPageUrl, WEB_PAGE_TYPE, webPageUrl } from "./web-page.js";

export async function uploadDocument(
  ctx: MemoryContext,
  input: UploadInput,
): Promise<{ index: string; documentId: string }> {
  const files: StoredFile[] = [];
  const usedIds = new Set<string>();
  for (const file of input.files) {
    const pageUrl = webPageUrl(file);
    const sourceUrl = pageUrl === undefined ? file.sourceUrl : checkWebPageUrl(ctx, pageUrl);
    const contentType =
      pageUrl === undefined
        ? detectContentType({ fileName: file.name, contentType: file.contentType, bytes: file.bytes })
        : WEB_PAGE_TYPE;
    if (!contentType) throw new UnsupportedContentType({ fileName: file.name, contentType: file.contentType });
    files.push({
      fileId: uniqueFileId(file.name, usedIds),
      name: file.name,
      contentType,
      size: file.bytes.byteLength,
      sha256: await sha256Hex(file.bytes),
      bytes: file.bytes,
      ...(sourceUrl ? { sourceUrl } : {}),
    });
  }
  const { jobId } = await saveUpload(ctx.db, {
    index: input.index,
    documentId: input.documentId,
    tags: input.tags,
    steps: input.steps.length ? input.steps : DEFAULT_STEPS,
    args: input.args,
    files,
    maxAttempts: ctx.config.JOB_MAX_ATTEMPTS,
  });
  // The job is already durable; this run only makes it fast. If it dies, cron takes over.
  ctx.waitUntil(
    ctx
      .startJob(ctx, jobId)
      .catch((err: unknown) =>
        log.error("job.crashed", { jobId, index: input.index, documentId: input.documentId, error: err }),
      ),
  );
  return { index: input.index, documentId: input.documentId };
}

/** Kernel Memory names files by their sanitised name; duplicates get a suffix. */
function uniqueFileId(name: string, used: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120) || "file";
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

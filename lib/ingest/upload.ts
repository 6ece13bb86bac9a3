/**
 * @module
 * `uploadDocument`: stores the files and a fresh pipeline status in one atomic
 * batch with its ingestion job (the index is created by its first upload),
 * then asks its context to start that job (`ctx.startJob`, wired by the
 * composition root) in the background of the same invocation. Re-uploading a
 * documentId replaces the document; its old chunks stay searchable until the new ones land.
 * Re-uploading exactly what a completed document was ingested from (same files, tags, steps,
 * arguments and embedder) is a no-op.
 */
// Not the extract index: the API Worker must not bundle the extractors (pdf.js, mammoth).
import { detectContentType } from "../extract/detect.js";
import { UnsupportedContentType } from "../extract/errors.js";
import { log } from "../log/logger.js";
import { DEFAULT_STEPS, type MemoryContext, type UploadInput, type Uploading } from "../memory/types.js";
import { isIngestedFrom } from "../store/document-fingerprint.js";
import { type StoredFile, saveUpload } from "../store/memory-store.js";
import { sha256Hex } from "./hashing.js";
import { textConfigForUpload } from "./text-config.js";
import { checkWebPageUrl, WEB_PAGE_TYPE, webPageUrl } from "./web-page.js";

export async function uploadDocument(
  ctx: Uploading,
  input: UploadInput,
): Promise<{ index: string; documentId: string }> {
  const files = await storedFiles(ctx, input.files);
  const steps = input.steps.length ? input.steps : DEFAULT_STEPS;
  // A page behind a URL may have changed although its address did not: those are always fetched again.
  const fingerprint = files.some((f) => f.contentType === WEB_PAGE_TYPE)
    ? undefined
    : await ingestFingerprint(ctx, input, files, steps);
  // Checked before the unchanged test below, so a bad text configuration is refused on a re-upload too.
  const textConfig = await textConfigForUpload(ctx, input.index, input.args);
  if (fingerprint && (await isIngestedFrom(ctx.db, input.index, input.documentId, fingerprint))) {
    log.debug("upload.unchanged", { index: input.index, documentId: input.documentId });
    return { index: input.index, documentId: input.documentId };
  }
  const { jobId } = await saveUpload(ctx.db, {
    index: input.index,
    documentId: input.documentId,
    tags: input.tags,
    steps,
    args: input.args,
    files,
    maxAttempts: ctx.config.JOB_MAX_ATTEMPTS,
    fingerprint,
    textConfig,
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

/** The files as stored: type detected (or refused), web-page addresses checked, hashed, given unique ids. */
export async function storedFiles(
  ctx: Pick<MemoryContext, "config">,
  uploaded: UploadInput["files"],
): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  const usedIds = new Set<string>();
  for (const file of uploaded) {
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
  return files;
}

/** Everything the stored chunks depend on; tag keys are sorted so their order in the request does not matter. */
export function ingestFingerprint(
  ctx: Pick<MemoryContext, "embedder">,
  input: UploadInput,
  files: readonly StoredFile[],
  steps: readonly string[],
): Promise<string> {
  const tags = Object.keys(input.tags)
    .sort()
    .map((key) => [key, input.tags[key]]);
  return sha256Hex(
    JSON.stringify({
      files: files.map((f) => [f.fileId, f.name, f.contentType, f.sha256, f.sourceUrl ?? null]),
      tags,
      steps,
      args: input.args ?? null,
      embedder: [ctx.embedder.id, ctx.embedder.dimensions],
    }),
  );
}

/** Kernel Memory names files by their sanitised name; duplicates get a suffix. */
function uniqueFileId(name: string, used: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120) || "file";
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

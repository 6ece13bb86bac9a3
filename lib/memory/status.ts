/** @module `getUploadStatus`: the pipeline status of one document, Kernel Memory's shape plus why it is not done. */
import { NotFoundError } from "../errors.js";
import { latestJobOf } from "../store/job-store.js";
import { readStatus } from "../store/memory-store.js";
import { explainStatus } from "./status-explain.js";
import type { DataPipelineStatus, MemoryContext } from "./types.js";

export async function getUploadStatus(
  ctx: MemoryContext,
  index: string,
  documentId: string,
): Promise<DataPipelineStatus> {
  const status = await readStatus(ctx.db, index, documentId);
  if (!status) throw new NotFoundError("document", `${index}/${documentId}`);
  // Clients poll until `completed`: a ready document costs one statement, as before; only one that is not done
  // (or failed) reads its job, one statement after the other so a status call never holds two connections.
  const job = status.completed ? undefined : await latestJobOf(ctx.db, index, documentId);
  return { ...status, ...explainStatus(status, job) };
}

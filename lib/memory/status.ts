/**
 * @module `getUploadStatus`: the pipeline status of one document, shaped as Kernel Memory's `DataPipelineStatus`,
 * plus why it is not done.
 */
import { NotFoundError } from "../errors.js";
import { latestJobOf } from "../store/job-store.js";
import { readStatus } from "../store/memory-store.js";
import { explainStatus } from "./status-explain.js";
import type { DataPipelineStatus, Reading } from "./types.js";

export async function getUploadStatus(ctx: Reading, index: string, documentId: string): Promise<DataPipelineStatus> {
  const status = await readStatus(ctx.db, index, documentId);
  if (!status) throw new NotFoundError("document", `${index}/${documentId}`);
  const completed = !status.failed && status.remainingSteps.length === 0;
  const shaped: DataPipelineStatus = {
    completed,
    failed: status.failed,
    // KM's flag: done, but nothing to search (its client's "ready" is completed && !empty).
    empty: completed && status.emptyReason !== null,
    index: status.index,
    document_id: status.documentId,
    tags: status.tags,
    creation: status.creation.toISOString(),
    last_update: status.lastUpdate.toISOString(),
    steps: status.steps,
    remaining_steps: status.remainingSteps,
    completed_steps: status.completedSteps,
    error: status.error,
  };
  // Clients poll until `completed`: a ready document costs one statement, as before; only one that is not done
  // (or failed) reads its job, one statement after the other so a status call never holds two connections.
  const job = shaped.completed ? undefined : await latestJobOf(ctx.db, index, documentId);
  return { ...shaped, ...explainStatus(shaped, job, status.emptyReason) };
}

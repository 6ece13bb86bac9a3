/** @module `getUploadStatus`: the pipeline status of one document, shaped as Kernel Memory's `DataPipelineStatus`. */
import { NotFoundError } from "../errors.js";
import { readStatus } from "../store/memory-store.js";
import type { DataPipelineStatus, MemoryContext } from "./types.js";

export async function getUploadStatus(
  ctx: MemoryContext,
  index: string,
  documentId: string,
): Promise<DataPipelineStatus> {
  const status = await readStatus(ctx.db, index, documentId);
  if (!status) throw new NotFoundError("document", `${index}/${documentId}`);
  return {
    completed: !status.failed && status.remainingSteps.length === 0,
    failed: status.failed,
    empty: false,
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
}

/** @module `getUploadStatus`: the pipeline status of one document, Kernel Memory's shape. */
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
  return status;
}

/** @module Index verbs. Deleting a missing index is not an error (Kernel Memory answers 202). */
import { deleteIndexNamed, listIndexNames } from "../store/memory-store.js";
import type { MemoryContext } from "./types.js";

export async function listIndexes(ctx: MemoryContext): Promise<Array<{ name: string }>> {
  return (await listIndexNames(ctx.reader ?? ctx.db)).map((name) => ({ name }));
}

export async function deleteIndex(ctx: MemoryContext, index: string): Promise<void> {
  await deleteIndexNamed(ctx.db, index);
}

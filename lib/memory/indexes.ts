/** @module Index verbs. Deleting a missing index is not an error (Kernel Memory answers 202). */
import { deleteIndexNamed, listIndexNames } from "../store/memory-store.js";
import type { Reading } from "./types.js";

export async function listIndexes(ctx: Reading): Promise<Array<{ name: string }>> {
  return (await listIndexNames(ctx.reader ?? ctx.db)).map((name) => ({ name }));
}

export async function deleteIndex(ctx: Reading, index: string): Promise<void> {
  await deleteIndexNamed(ctx.db, index);
}

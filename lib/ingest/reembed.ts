/**
 * @module
 * `reembedAll`: moves a database's chunks to another embedder's vector space (a new default, another model or
 * dimension). Resumable: every batch is saved as it is embedded, so a rerun after a crash continues where it
 * stopped; the switch itself is one transaction, taken only when every chunk has its new vector. Until then the
 * service keeps searching the old space; after it, run the service with the new embedder configuration.
 */
import type { Embedder } from "../ai/types.js";
import type { Db } from "../db/index.js";
import { ConflictError } from "../errors.js";
import { ensureEmbeddingSpace, storedEmbeddingSpace } from "../store/embedding-space.js";
import { beginReembed, chunksToReembed, finishReembed, saveReembedded } from "../store/reembed-store.js";
import { embeddingText } from "./chunk-context.js";

export type ReembedProgress = { embedded: number; switched: boolean };

export async function reembedAll(
  db: Db,
  target: Embedder,
  opts: {
    batch?: number;
    restart?: boolean;
    onBatch?: (done: number) => void;
    /** `VECTOR_INDEX_BUILD_MEMORY`: the new space's index is built over every chunk at once. */
    buildMemory?: string;
  } = {},
): Promise<ReembedProgress> {
  const to = { id: target.id, dimensions: target.dimensions };
  const from = await storedEmbeddingSpace(db);
  if (!from) throw new ConflictError("this database records no embedding space yet: nothing to re-embed");
  if (from.id === to.id && from.dimensions === to.dimensions) return { embedded: 0, switched: false };
  const other = await beginReembed(db, to, opts.restart ?? false);
  if (other) {
    throw new ConflictError(
      `a re-embed towards '${other.id}' (${other.dimensions} dimensions) is in progress; finish it or restart with --restart`,
    );
  }
  let embedded = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    for (;;) {
      const rows = await chunksToReembed(db, opts.batch ?? 256);
      if (rows.length === 0) break;
      const vectors = await target.embed(rows.map((r) => embeddingText(r.context, r.text)));
      await saveReembedded(
        db,
        rows.map((r, i) => ({ id: r.id, embedding: JSON.stringify(vectors[i]) })),
      );
      embedded += rows.length;
      opts.onBatch?.(embedded);
    }
    // Chunks ingested meanwhile (by the service, still on the old space) make the switch wait for another pass.
    if (await finishReembed(db, from, to).catch(() => false)) {
      await ensureEmbeddingSpace(db, to, opts.buildMemory);
      return { embedded, switched: true };
    }
  }
  return { embedded, switched: false };
}

/**
 * Moving a database to another embedder: a database made by `offline-hash-v1` keeps working under the new
 * default (the stored space is followed), `reembedAll` is resumable, and the switch happens once, atomically,
 * after which search runs in the new space and the old configuration is refused.
 */
import { describe, expect, it } from "vitest";
import { createOfflineEmbedder } from "../../../lib/ai/index.js";
import { reembedAll } from "../../../lib/ingest/reembed.js";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { searchMemory } from "../../../lib/memory/search.js";
import {
  EmbeddingSpaceMismatch,
  ensureEmbeddingSpace,
  storedEmbeddingSpace,
} from "../../../lib/store/embedding-space.js";
import { memoryContext, text } from "../../helpers/memory.js";
import { poolEnv, useTestDatabase } from "../../helpers/memory-stack.js";

const stack = useTestDatabase("smreembed");
const env = () => ({ ...poolEnv(stack), DB_APPLICATION_NAME: "smt-reembed" });

describe("re-embedding", () => {
  it("follows an old offline space, re-embeds resumably, then switches once", async () => {
    const old = await memoryContext({ ...env(), EMBEDDING_MODEL: "offline-hash-v1" });
    expect(old.ctx.embedder.id).toBe("offline-hash-v1");
    for (let i = 0; i < 12; i++) {
      await uploadDocument(old.ctx, {
        index: "kb",
        documentId: `d${i}`,
        files: [text(`note-${i}.txt`, `Note ${i}: the ${i % 2 ? "pump" : "valve"} was inspected on day ${i}.`)],
        tags: {},
        steps: [],
      });
    }
    await old.settle();

    // The new default (no EMBEDDING_MODEL) follows the stored v1 space instead of being refused.
    const follow = await memoryContext({ ...env(), DB_APPLICATION_NAME: "smt-reembed-2" });
    expect(follow.ctx.embedder.id).toBe("offline-hash-v1");

    const db = old.ctx.db;
    const target = createOfflineEmbedder({ id: "offline-hash-v2", dimensions: 256 });
    // An interrupted first run: one batch saved, then the process "dies".
    let batches = 0;
    await expect(
      reembedAll(db, target, {
        batch: 5,
        onBatch: () => {
          if (++batches === 1) throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    const [partial] = await db.query<{ n: number }>(
      "select count(*)::int as n from memory_chunks where embedding_next is not null",
    );
    expect(partial?.n).toBe(5);
    expect(await storedEmbeddingSpace(db)).toEqual({ id: "offline-hash-v1", dimensions: 384 });

    // The rerun continues (7 left) and switches.
    expect(await reembedAll(db, target, { batch: 5 })).toEqual({ embedded: 7, switched: true });
    expect(await storedEmbeddingSpace(db)).toEqual({ id: "offline-hash-v2", dimensions: 256 });
    const [dims] = await db.query<{ d: number; left: number }>(
      "select min(vector_dims(embedding))::int as d, count(embedding_next)::int as left from memory_chunks",
    );
    expect(dims).toEqual({ d: 256, left: 0 });
    const [index] = await db.query<{ ok: boolean }>("select to_regclass('memory_chunks_hnsw_256') is not null as ok");
    expect(index?.ok).toBe(true);
    await expect(ensureEmbeddingSpace(db, createOfflineEmbedder({ id: "offline-hash-v1" }))).rejects.toThrow(
      EmbeddingSpaceMismatch,
    );

    const ctx = { ...old.ctx, embedder: target };
    const found = await searchMemory(ctx, {
      index: "kb",
      query: "pump inspected",
      filters: [],
      minRelevance: 0,
      limit: 3,
      args: { search_mode: "vector" },
    });
    expect(found.results.length).toBe(3);
    expect(found.results[0]!.partitions[0]!.text).toMatch(/pump/);
    // Nothing left to do the second time.
    expect(await reembedAll(db, target)).toEqual({ embedded: 0, switched: false });
  });
});

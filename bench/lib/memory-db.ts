/**
 * @module
 * Databases the benchmarks run against: a fresh one per benchmark (the tests' `createTestDatabase`), migrated,
 * and optionally filled with the synthetic corpus through the service's own pipeline.
 */

import { createOfflineEmbedder } from "../../lib/ai/index.js";
import type { Embedder } from "../../lib/ai/types.js";
import { parseConfig } from "../../lib/config/env.js";
import type { Db } from "../../lib/db/types.js";
import { type IngestContext, prepareInThread } from "../../lib/ingest/isolation.js";
import { runUploadedJob } from "../../lib/ingest/runner.js";
import { uploadDocument } from "../../lib/ingest/upload.js";
import { DEFAULT_STEPS, type MemoryContext } from "../../lib/memory/types.js";
import { migrate } from "../../lib/migrate/migrate.js";
import { countTokens } from "../../lib/partition/tokenizer.js";
import { ensureEmbeddingSpace } from "../../lib/store/embedding-space.js";
import { ingestStore } from "../../lib/store/ingest-store.js";
import { createTestDatabase, type TestDatabase, withAdmin } from "../../test/helpers/database.js";
import { counting } from "../../test/helpers/memory.js";
import type { CorpusDocument } from "./corpus.js";
import { createPgDb } from "./pg-db.js";

export const BENCH_INDEX = "bench";

export type { CountingEmbedder } from "../../test/helpers/memory.js";

export function countingEmbedder(inner: Embedder = createOfflineEmbedder()) {
  return counting(inner);
}

/** A MemoryContext whose background work (`waitUntil`) can be awaited with `settle()`. */
export function benchContext(db: Db, embedder: Embedder, env: Record<string, string> = {}) {
  const pending: Promise<unknown>[] = [];
  const ctx: IngestContext = {
    db,
    config: parseConfig({ LOG_LEVEL: "warn", ...env }),
    embedder,
    waitUntil: (p) => void pending.push(p),
    startJob: (ctx, jobId) => runUploadedJob({ ...ctx, store: ingestStore(ctx.db), prepare: prepareInThread }, jobId),
    tokenCounter: async () => countTokens,
    store: ingestStore(db),
    prepare: prepareInThread,
  };
  return {
    ctx,
    settle: async () => {
      while (pending.length) await Promise.all(pending.splice(0));
    },
  };
}

/** Uploads every document and waits for their pipeline runs; returns wall time in ms. */
export async function ingestCorpus(
  ctx: MemoryContext,
  settle: () => Promise<void>,
  docs: readonly CorpusDocument[],
  index = BENCH_INDEX,
) {
  const started = performance.now();
  for (const doc of docs) {
    await uploadDocument(ctx, {
      index,
      documentId: doc.documentId,
      files: [{ name: `${doc.documentId}.txt`, bytes: new TextEncoder().encode(doc.text) }],
      tags: { corpus: ["synthetic"], shard: [String(Number(doc.documentId.slice(4)) % 10)] },
      steps: [...DEFAULT_STEPS],
    });
  }
  await settle();
  return performance.now() - started;
}

export async function migrated(db: Db, embedder: Embedder = createOfflineEmbedder()): Promise<void> {
  await migrate(db);
  await ensureEmbeddingSpace(db, embedder);
}

/** A fresh database holding `docs`, ingested by the pipeline; `drop()` removes it. */
export async function corpusDatabase(prefix: string, docs: readonly CorpusDocument[]): Promise<TestDatabase> {
  const database = await createTestDatabase(prefix);
  const db = createPgDb(database.url, { applicationName: "sm-bench-setup" });
  try {
    await migrated(db);
    const { ctx, settle } = benchContext(db, createOfflineEmbedder());
    await ingestCorpus(ctx, settle, docs);
    const [row] = await db.query<{ failed: number }>(
      "select count(*)::int as failed from memory_documents where failed or cardinality(remaining_steps) > 0",
    );
    if (row?.failed) throw new Error(`${row.failed} corpus documents did not finish ingesting`);
    await db.query("analyze");
  } catch (err) {
    await db.close();
    await database.drop();
    throw err;
  }
  await db.close();
  return database;
}

/**
 * Drops a benchmark database once our own clients have gone. Pools resolve `end()` before their sockets are
 * closed, and `drop … with (force)` would terminate a closing client, whose error then has no listener left.
 */
export async function dropWhenIdle(database: TestDatabase, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let left: string[] = [];
  do {
    left = await withAdmin(async (c) => {
      const { rows } = await c.query<{ app: string }>(
        "select application_name as app from pg_stat_activity where datname = $1",
        [database.name],
      );
      return rows.map((r) => r.app);
    });
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < until);
  if (left.length)
    console.warn(`   dropping ${database.name} with ${left.length} backend(s) left: ${[...new Set(left)].join(", ")}`);
  await database.drop();
}

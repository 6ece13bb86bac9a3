/**
 * @module
 * The search bench's "right after a bulk ingest" rows (issue 23): a fresh database, many small documents through
 * the pipeline with the service's auto-analysis off — vector search p50 as PostgreSQL plans it with no statistics
 * (autovacuum is off here) — then one more document through the job runner with the default settings, whose commit
 * triggers the runner's auto-analysis (lib/ingest/statistics.ts), and the same searches again. No manual ANALYZE.
 */
import { createOfflineEmbedder } from "../../lib/ai/index.js";
import { parseConfig } from "../../lib/config/env.js";
import type { Db } from "../../lib/db/types.js";
import { searchChunks } from "../../lib/store/chunk-search.js";
import { createTestDatabase } from "../../test/helpers/database.js";
import { generateCorpus } from "./corpus.js";
import { BENCH_INDEX, benchContext, dropWhenIdle, ingestCorpus, migrated } from "./memory-db.js";
import { createPgDb } from "./pg-db.js";
import { chunkScans } from "./plans.js";
import { type Summary, summarize } from "./stats.js";

export const FRESH_DOCUMENTS_NOTE = (chunks: number, ingestMs: number) =>
  `Right after a bulk ingest: a fresh database, ${chunks.toLocaleString("en-US")} chunks of ~1 KB documents uploaded through the pipeline in ${Math.round(ingestMs / 1000)} s with ANALYZE_CHANGED_FRACTION=0 (auto-analysis off; autovacuum is off on this server), then vector-only searchChunks over plain pg; then one more document through the job runner with the defaults, whose commit runs the auto-analysis (lib/ingest/statistics.ts), and the same queries again. Nothing else analyzes.`;

export type FreshRow = { label: string; plan: string; s: Summary };

export async function freshIngestRows(options: {
  documents: number;
  queries: readonly string[];
  warm: number;
  log: (line: string) => void;
}): Promise<{ rows: FreshRow[]; chunks: number; ingestMs: number }> {
  const database = await createTestDatabase("smbfresh");
  const db = createPgDb(database.url, { applicationName: "sm-bench-fresh", max: 5 });
  const embedder = createOfflineEmbedder();
  try {
    await migrated(db, embedder);
    // ~1 KB each, as in the 11,429 short documents.
    const docs = generateCorpus({ bytes: options.documents * 1000, documents: options.documents, seed: 7 });
    const off = benchContext(db, embedder, { ANALYZE_CHANGED_FRACTION: "0" });
    options.log(`fresh database: ingesting ${docs.length} short documents (auto-analysis off)`);
    const ingestMs = await ingestCorpus(off.ctx, off.settle, docs.slice(0, -1));
    const [{ chunks }] = (await db.query<{ chunks: number }>("select count(*)::int as chunks from memory_chunks")) as [
      { chunks: number },
    ];
    const vectors = await embedder.embed([...options.queries]);
    const measure = async (label: string): Promise<FreshRow> => {
      const run = (d: Db, i: number) =>
        searchChunks(d, {
          index: BENCH_INDEX,
          vector: vectors[i]!,
          dimensions: embedder.dimensions,
          filters: [],
          minRelevance: 0,
          limit: 10,
          efSearch: parseConfig({}).SEARCH_EF_SEARCH,
        });
      const samples: number[] = [];
      for (let i = 0; i < vectors.length; i++) {
        const t0 = performance.now();
        await run(db, i);
        if (i >= options.warm) samples.push(performance.now() - t0);
      }
      return { label, plan: await planOf(db, (d) => run(d, 0)), s: summarize(samples) };
    };
    const rows = [await measure("vector search right after the bulk ingest, before any ANALYZE")];
    // The last document through the runner with the shipped defaults: its commit runs the auto-analysis.
    const on = benchContext(db, embedder);
    await ingestCorpus(on.ctx, on.settle, docs.slice(-1));
    rows.push(await measure("the same, after the job runner's auto-analysis (one more document ingested)"));
    return { rows, chunks, ingestMs };
  } finally {
    await db.close();
    await dropWhenIdle(database);
  }
}

async function planOf(db: Db, run: (d: Db) => Promise<unknown>): Promise<string> {
  const scans: string[] = [];
  await run({
    ...db,
    query: async (text: string, params?: readonly unknown[]) => {
      const [row] = await db.query<{ "QUERY PLAN": Array<{ Plan: Parameters<typeof chunkScans>[0] }> }>(
        `explain (format json) ${text}`,
        params,
      );
      scans.push(...chunkScans(row!["QUERY PLAN"][0]!.Plan));
      return [];
    },
  } as Db);
  return [...new Set(scans)].join(" + ") || "–";
}

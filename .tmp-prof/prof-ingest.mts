import "/work/wt/perf/lib/db/node.js";
import { createTestDatabase } from "/work/wt/perf/test/helpers/database.js";
import { generateCorpus } from "/work/wt/perf/bench/lib/corpus.js";
import { benchContext, countingEmbedder, ingestCorpus, migrated, dropWhenIdle } from "/work/wt/perf/bench/lib/memory-db.js";
import { createPgDb } from "/work/wt/perf/bench/lib/pg-db.js";
const docs = generateCorpus({ bytes: 2_000_000, documents: 20, seed: 99 });
const database = await createTestDatabase("smprof");
const db = createPgDb(database.url, { max: 5 });
await migrated(db);
const calls: Record<string, { n: number; ms: number }> = {};
const wrap: typeof db = { ...db, query: async (t, p) => { const t0 = performance.now(); try { return await db.query(t, p); } finally { const k = t.trim().split(/\s+/).slice(0, 3).join(" "); (calls[k] ??= { n: 0, ms: 0 }).n++; calls[k]!.ms += performance.now() - t0; } },
  batch: async (st) => { const t0 = performance.now(); try { return await db.batch(st); } finally { const k = "batch:" + st[0]!.text.trim().split(/\s+/).slice(0, 3).join(" "); (calls[k] ??= { n: 0, ms: 0 }).n++; calls[k]!.ms += performance.now() - t0; } } } as typeof db;
for (const pass of [1, 2]) {
  const { ctx, settle } = benchContext(wrap, countingEmbedder());
  const t = await ingestCorpus(ctx, settle, docs, "bench");
  console.log("pass", pass, t.toFixed(0), "ms");
  console.table(Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, { n: v.n, ms: Math.round(v.ms) }])));
  for (const k of Object.keys(calls)) delete calls[k];
}
await db.close(); await dropWhenIdle(database);

/**
 * @module
 * retrieval: ranking quality on two classic test collections (`../shared/data/cranfield`, `../shared/data/cisi`),
 * ingested through the service's own pipeline (upload → extract → partition → embed → save) and searched through
 * `searchMemory` in each mode, against peers on the same documents in the same run: a textbook Okapi BM25,
 * minisearch's BM25, the vector-only search Kernel Memory and LangChain do (same embedder, passage text only) and
 * Supabase's documented hybrid recipe (websearch_to_tsquery + ts_rank_cd + RRF k = 50). Documents are ranked by
 * their best chunk. A sensitivity table varies one ranking constant at a time on both collections.
 */
import { fileURLToPath } from "node:url";
import MiniSearch from "minisearch";
import { createEmbedderFromEnv, createOfflineEmbedder } from "../lib/ai/index.js";
import type { OfflineEmbedderId } from "../lib/ai/offline-embedder.js";
import type { Embedder } from "../lib/ai/types.js";
import { searchMemory } from "../lib/memory/search.js";
import { uploadDocument } from "../lib/memory/upload.js";
import { DEFAULT_RANKING, type SearchMode, searchChunks } from "../lib/store/chunk-search.js";
import type { Ranking } from "../lib/store/hybrid-search.js";
import { createTestDatabase } from "../test/helpers/database.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { loadCisi, loadCranfield, sharedDataDir, type TestCollection } from "./lib/collections.js";
import { meanMetrics, metricsAt, type QueryMetrics } from "./lib/ir-metrics.js";
import { benchContext, dropWhenIdle, migrated } from "./lib/memory-db.js";
import { okapiIndex } from "./lib/okapi.js";
import { createPgDb } from "./lib/pg-db.js";
import type { BenchReport } from "./lib/report.js";
import { median, num } from "./lib/stats.js";
import type { Table } from "./lib/table.js";

const K = 10;
/** Chunks asked for per search, so ten distinct documents remain after grouping chunks by document. */
const CHUNKS = 30;
const EMBEDDER_CHOICES: Array<[OfflineEmbedderId, number]> = [
  ["offline-hash-v1", 384],
  ["offline-hash-v2", 384],
  ["offline-hash-v2", 768],
  ["offline-hash-v2", 1024],
];
const ROOT = fileURLToPath(new URL("..", import.meta.url));

type SystemResult = { name: string; metrics: QueryMetrics; p50?: number };
type Ranked = (query: string) => Promise<string[]>;

export const retrieval: Bench = {
  name: "retrieval",
  summary: "nDCG@10 / recall@10 / MRR@10 on Cranfield and CISI: hybrid, vector, text vs BM25 peers and Supabase",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: [],
  async run(env: BenchEnv): Promise<BenchReport> {
    const data = sharedDataDir(ROOT);
    if (!data.present) {
      env.log(`test collections not found in ${data.dir} (expected cranfield/ and cisi/): skipped`);
      return {
        id: "retrieval",
        title: "Retrieval quality (skipped)",
        headline: `skipped: no test collections in ${data.dir}`,
        tables: [],
        notes: [],
      };
    }
    env.log(`reading test collections from ${data.dir}`);
    const collections = [await loadCranfield(`${data.dir}/cranfield`), await loadCisi(`${data.dir}/cisi`)];
    // The embedder the environment configures (the offline default unless EMBEDDING_* say otherwise).
    const embedder = createEmbedderFromEnv(process.env);
    const custom = embedder.id !== "offline-hash-v2" || embedder.dimensions !== 384;
    const tables: Table[] = [];
    const headline: string[] = [];
    const sensitivity = new Map<string, string[]>();
    for (const collection of collections) {
      const { results, variants } = await evaluate(env, collection, embedder);
      const get = (n: string) => results.find((r) => r.name.startsWith(n))!.metrics.ndcg;
      const peer = Math.max(get("Okapi BM25"), get("minisearch"));
      headline.push(
        `${collection.name} hybrid ${num(get("ours: hybrid"), 3)} = ${num(get("ours: hybrid") / peer, 2)}× the BM25 peer, ` +
          `${num(get("ours: hybrid") / get("Supabase"), 2)}× Supabase`,
      );
      tables.push({
        title: `${collection.name}: ${collection.docs.length} documents, ${collection.queries.length} judged queries`,
        headers: ["system", "nDCG@10", "recall@10", "MRR@10", "p50 ms"],
        rows: results.map((r) => [
          r.name,
          num(r.metrics.ndcg, 3),
          num(r.metrics.recall, 3),
          num(r.metrics.rr, 3),
          r.p50 === undefined ? "—" : num(r.p50, 1),
        ]),
      });
      for (const [label, ndcg] of variants) sensitivity.set(label, [...(sensitivity.get(label) ?? []), num(ndcg, 3)]);
    }
    tables.push({
      title: "Sensitivity: hybrid nDCG@10 with one constant changed (defaults marked *); offline embedder choices",
      headers: ["setting", ...collections.map((c) => c.name)],
      rows: [...sensitivity].map(([label, cells]) => [label, ...cells]),
    });
    return {
      id: custom ? `retrieval@embedder=${embedder.id}-${embedder.dimensions}` : "retrieval",
      title: `Retrieval quality on Cranfield and CISI (${embedder.id}, ${embedder.dimensions}-d; same defaults on both)`,
      headline: headline.join("; "),
      tables,
      notes: [
        "Ours: documents uploaded as `<id>.md` (`# title` + abstract) through uploadDocument → the ingestion job; " +
          `searched through searchMemory with limit ${CHUNKS} chunks, documents ranked by their best chunk; p50 ` +
          "includes embedding the query.",
        "Okapi BM25: k1 1.2, b 0.75, lower-cased alphanumeric tokens, English stop words, no stemming (bench/lib/okapi.ts). " +
          "minisearch: its defaults (BM25+, OR). Both over the same title + abstract text.",
        "KM/LangChain vector-only: cosine over the same embedder's vectors of the passage text alone (no header).",
        "Supabase recipe: to_tsvector('english') GIN + websearch_to_tsquery + ts_rank_cd, cosine leg, RRF k = 50, " +
          "equal weights, 2 × limit candidates per leg, over the same chunks and vectors.",
      ],
    };
  },
};

async function evaluate(env: BenchEnv, collection: TestCollection, embedder: Embedder) {
  const database = await createTestDatabase(`smbretr_${collection.name.toLowerCase()}`);
  const db = createPgDb(database.url, { applicationName: "sm-bench-retrieval", max: 5 });
  const index = collection.name.toLowerCase();
  try {
    await migrated(db, embedder);
    const { ctx, settle } = benchContext(db, embedder);
    const t0 = performance.now();
    const texts = collection.docs.map((d) => ({ id: d.id, text: `# ${d.title}\n\n${d.body}` }));
    for (const doc of texts) {
      await uploadText(ctx, index, doc);
    }
    await settle();
    env.log(`${collection.name}: ${texts.length} documents ingested in ${num((performance.now() - t0) / 1000, 1)} s`);
    await db.query("analyze");

    const results: SystemResult[] = [];
    const run = async (name: string, ranked: Ranked, timed = false) => {
      const per: QueryMetrics[] = [];
      const times: number[] = [];
      for (const q of collection.queries) {
        const s = performance.now();
        const ids = await ranked(q.text);
        times.push(performance.now() - s);
        per.push(metricsAt(K, ids, collection.gains.get(q.id)!));
      }
      results.push({ name, metrics: meanMetrics(per), ...(timed ? { p50: median(times) } : {}) });
      env.log(`${collection.name} ${name}: nDCG@10 ${num(meanMetrics(per).ndcg, 3)}`);
    };
    for (const mode of ["hybrid", "vector", "text"] as const) {
      await run(
        `ours: ${mode}${mode === "hybrid" ? " (default)" : ""}`,
        async (query) => {
          const r = await searchMemory(ctx, {
            index,
            query,
            filters: [],
            minRelevance: 0,
            limit: CHUNKS,
            args: { search_mode: mode },
          });
          return r.results.map((c) => c.documentId);
        },
        true,
      );
    }
    const okapi = okapiIndex(texts);
    await run("Okapi BM25 (textbook)", async (q) => okapi.search(q, K));
    const mini = new MiniSearch({ fields: ["text"], idField: "id" });
    mini.addAll(texts);
    await run("minisearch BM25", async (q) => mini.search(q).map((r) => String(r.id)));
    const plain = await embedder.embed(texts.map((t) => t.text));
    await run("KM/LangChain vector-only", async (q) => {
      const [v] = await embedder.embed([q]);
      return texts
        .map((t, i) => ({ id: t.id, s: dot(v!, plain[i]!) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, K)
        .map((x) => x.id);
    });
    await prepareSupabase(db, embedder.dimensions);
    await run("Supabase hybrid recipe", async (q) => {
      const [v] = await embedder.embed([q]);
      return (await db.query<{ document_id: string }>(SUPABASE_SQL(embedder.dimensions), [q, JSON.stringify(v)])).map(
        (r) => r.document_id,
      );
    });
    const variants = await sensitivity(collection, index, db, embedder, env.log);
    for (const [id, dimensions] of EMBEDDER_CHOICES) {
      const candidate = createOfflineEmbedder({ id, dimensions });
      const vectors = await candidate.embed(texts.map((t) => t.text));
      const per: QueryMetrics[] = [];
      for (const q of collection.queries) {
        const [v] = await candidate.embed([q.text]);
        const ranked = texts
          .map((t, i) => ({ id: t.id, s: dot(v!, vectors[i]!) }))
          .sort((a, b) => b.s - a.s)
          .map((x) => x.id);
        per.push(metricsAt(K, ranked, collection.gains.get(q.id)!));
      }
      variants.push([
        `embedder ${id} ${dimensions}-d (vector only, ${dimensions * 4 + 8} B/vector)`,
        meanMetrics(per).ndcg,
      ]);
    }
    return { results, variants };
  } finally {
    await db.close();
    await dropWhenIdle(database);
  }
}

async function uploadText(
  ctx: Parameters<typeof searchMemory>[0],
  index: string,
  doc: { id: string; text: string },
): Promise<void> {
  await uploadDocument(ctx, {
    index,
    documentId: doc.id,
    files: [{ name: `${doc.id}.md`, bytes: new TextEncoder().encode(doc.text) }],
    tags: {},
    steps: [],
  });
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** One ranking constant changed at a time around the defaults; hybrid nDCG@10 per setting. */
async function sensitivity(
  collection: TestCollection,
  index: string,
  db: Parameters<typeof searchChunks>[0],
  embedder: Embedder,
  log: (m: string) => void,
): Promise<Array<[string, number]>> {
  const vectors = await embedder.embed(collection.queries.map((q) => q.text));
  const settings: Array<[string, Partial<Ranking>, SearchMode?]> = [
    ["defaults*: text weight 0.9, k1 1.2, b 0.75, header ×2, budget 250, RM3 10 chunks / 10 terms / 0.5", {}],
    ["query expansion off (args.query_expansion: false)", { feedbackDocs: 0 }],
    ...[5, 20].map((n): [string, Partial<Ranking>] => [`feedback chunks ${n}`, { feedbackDocs: n }]),
    ...[5, 20].map((n): [string, Partial<Ranking>] => [`feedback terms ${n}`, { feedbackTerms: n }]),
    ...[0.3, 0.7].map((x): [string, Partial<Ranking>] => [`original query weight ${x}`, { originalWeight: x }]),
    ...[0.5, 0.7, 0.8, 0.95].map((w): [string, Partial<Ranking>] => [`text weight ${w}`, { textWeight: w }]),
    ...[0.9, 1.5].map((k1): [string, Partial<Ranking>] => [`k1 ${k1}`, { k1 }]),
    ...[0.5, 0.9].map((b): [string, Partial<Ranking>] => [`b ${b}`, { b }]),
    ...[1, 3].map((h): [string, Partial<Ranking>] => [`header ×${h}`, { headerWeight: h }]),
    ...[1000, 1e9].map((n): [string, Partial<Ranking>] => [
      `postings budget ${n >= 1e9 ? "unbounded" : n}`,
      { postingsBudget: n },
    ]),
  ];
  const out: Array<[string, number]> = [];
  for (const [label, change, mode] of settings) {
    const per: QueryMetrics[] = [];
    for (const [i, q] of collection.queries.entries()) {
      const hits = await searchChunks(db, {
        index,
        vector: vectors[i]!,
        dimensions: embedder.dimensions,
        text: q.text,
        mode: mode ?? "hybrid",
        ranking: { ...DEFAULT_RANKING, ...change },
        filters: [],
        minRelevance: 0,
        limit: CHUNKS,
        efSearch: 100,
      });
      per.push(metricsAt(K, [...new Set(hits.map((h) => h.document_id))], collection.gains.get(q.id)!));
    }
    out.push([label, meanMetrics(per).ndcg]);
    log(`${collection.name} ${label}: nDCG@10 ${num(meanMetrics(per).ndcg, 3)}`);
  }
  return out;
}

async function prepareSupabase(db: Parameters<typeof searchChunks>[0], d: number): Promise<void> {
  await db.query(`create table supabase_documents as
    select id, document_id, text as content, to_tsvector('english', text) as fts, embedding::vector(${d}) as embedding
      from memory_chunks`);
  await db.query("create index on supabase_documents using gin (fts)");
  await db.query(`create index on supabase_documents using hnsw (embedding vector_cosine_ops)`);
  await db.query("analyze supabase_documents");
}

// Supabase's "Hybrid search" guide, with match_count = CHUNKS, full_text_weight = semantic_weight = 1, rrf_k = 50.
const SUPABASE_SQL = (d: number) => `
  with full_text as (
    select id, row_number() over (order by ts_rank_cd(fts, websearch_to_tsquery('english', $1)) desc) as rank_ix
      from supabase_documents where fts @@ websearch_to_tsquery('english', $1)
     order by rank_ix limit ${CHUNKS * 2}
  ), semantic as (
    select id, row_number() over (order by embedding <=> $2::vector(${d})) as rank_ix
      from supabase_documents order by rank_ix limit ${CHUNKS * 2}
  )
  select s.document_id, max(coalesce(1.0 / (50 + f.rank_ix), 0.0) + coalesce(1.0 / (50 + v.rank_ix), 0.0)) as score
    from full_text f full outer join semantic v on f.id = v.id
    join supabase_documents s on coalesce(f.id, v.id) = s.id
   group by s.document_id order by score desc limit ${K}`;

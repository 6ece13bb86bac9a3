/**
 * @module
 * retrieval: ranking quality on two classic test collections (`../shared/data/cranfield`, `../shared/data/cisi`),
 * ingested through the service's own pipeline (upload → extract → partition → embed → save) and searched through
 * `searchMemory` in each mode, against peers on the same documents in the same run. The anchor is a stemmed Okapi
 * BM25 over the service's own lexemes (PostgreSQL `english`): every system is reported as a ratio to it and as
 * per-query wins / losses / ties (nDCG@10) against it. Other peers: an unstemmed Okapi BM25, minisearch's BM25, the
 * vector-only search Kernel Memory and LangChain do (same embedder, passage text only) and Supabase's documented
 * hybrid recipe (websearch_to_tsquery + ts_rank_cd + RRF k = 50). Documents are ranked by their best chunk. A grid
 * varies one ranking setting at a time on both collections (bench/lib/retrieval-grid.ts).
 */
import { fileURLToPath } from "node:url";
import MiniSearch from "minisearch";
import { createEmbedderFromEnv } from "../lib/ai/index.js";
import type { Embedder } from "../lib/ai/types.js";
import { uploadDocument } from "../lib/ingest/upload.js";
import { searchMemory } from "../lib/memory/search.js";
import type { searchChunks } from "../lib/store/chunk-search.js";
import { createTestDatabase } from "../test/helpers/database.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { loadCisi, loadCranfield, sharedDataDir, type TestCollection } from "./lib/collections.js";
import { meanMetrics, metricsAt, type QueryMetrics } from "./lib/ir-metrics.js";
import { benchContext, dropWhenIdle, migrated } from "./lib/memory-db.js";
import { okapiIndex, stemmedOkapiIndex } from "./lib/okapi.js";
import { createPgDb } from "./lib/pg-db.js";
import type { BenchReport } from "./lib/report.js";
import { dot, gridRows } from "./lib/retrieval-grid.js";
import { median, num } from "./lib/stats.js";
import type { Table } from "./lib/table.js";

const K = 10;
/** Chunks asked for per search, so ten distinct documents remain after grouping chunks by document. */
const CHUNKS = 30;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

type SystemResult = { name: string; metrics: QueryMetrics; per: QueryMetrics[]; p50?: number };
const ANCHOR = "BM25 stemmed (anchor)";
type Ranked = (query: string) => Promise<string[]>;

export const retrieval: Bench = {
  name: "retrieval",
  summary:
    "nDCG@10 / recall@10 / MRR@10 on Cranfield and CISI: hybrid, vector, text vs a stemmed BM25 anchor and peers",
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
      const find = (n: string) => results.find((r) => r.name.startsWith(n))!;
      const anchor = find(ANCHOR);
      const hybrid = find("ours: hybrid");
      const wlt = winsLosses(hybrid.per, anchor.per);
      headline.push(
        `${collection.name} hybrid ${num(hybrid.metrics.ndcg, 3)} = ${num(hybrid.metrics.ndcg / anchor.metrics.ndcg, 3)}× ` +
          `the stemmed BM25 anchor (${wlt} per query)`,
      );
      tables.push({
        title: `${collection.name}: ${collection.docs.length} documents, ${collection.queries.length} judged queries`,
        headers: ["system", "nDCG@10", "÷ anchor", "W/L/T vs anchor", "recall@10", "MRR@10", "p50 ms"],
        rows: results.map((r) => [
          r.name,
          num(r.metrics.ndcg, 3),
          `${num(r.metrics.ndcg / anchor.metrics.ndcg, 3)}×`,
          r === anchor ? "—" : winsLosses(r.per, anchor.per),
          num(r.metrics.recall, 3),
          num(r.metrics.rr, 3),
          r.p50 === undefined ? "—" : num(r.p50, 1),
        ]),
      });
      for (const [label, cell] of variants) sensitivity.set(label, [...(sensitivity.get(label) ?? []), cell]);
    }
    tables.push({
      title:
        "Sensitivity: hybrid nDCG@10 (÷ the stemmed anchor) with one setting changed (defaults marked *); offline embedder choices",
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
        "Anchor: Okapi BM25 k1 1.2, b 0.75 over PostgreSQL `english` lexemes (Snowball stemming, stop words; the " +
          "service's own) of each whole document. W/L/T: queries whose nDCG@10 is above / below / equal to the " +
          "anchor's. Unstemmed Okapi: same formula, lower-cased alphanumeric tokens, English stop words " +
          "(bench/lib/okapi.ts). minisearch: its defaults (BM25+, OR). All over the same title + abstract text.",
        "Ratios to the anchor are given to three decimals, so one just under a bar (1.096 against 1.10) does not " +
          "read as meeting it.",
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
      results.push({ name, metrics: meanMetrics(per), per, ...(timed ? { p50: median(times) } : {}) });
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
    const stemmed = await stemmedOkapiIndex(db, texts);
    await run(ANCHOR, (q) => stemmed.search(q, K), true);
    const okapi = okapiIndex(texts);
    await run("BM25 unstemmed (textbook)", async (q) => okapi.search(q, K));
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
    const anchorNdcg = results.find((r) => r.name === ANCHOR)!.metrics.ndcg;
    const variants = await gridRows(collection, index, db, embedder, anchorNdcg, env.log);
    return { results, variants };
  } finally {
    await db.close();
    await dropWhenIdle(database);
  }
}

async function uploadText(
  ctx: Parameters<typeof uploadDocument>[0],
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

/** Queries whose nDCG@10 is above / below / equal to the anchor's, as "W/L/T". */
function winsLosses(per: readonly QueryMetrics[], anchor: readonly QueryMetrics[]): string {
  let w = 0;
  let l = 0;
  per.forEach((m, i) => {
    const d = m.ndcg - anchor[i]!.ndcg;
    if (d > 1e-9) w++;
    else if (d < -1e-9) l++;
  });
  return `${w}/${l}/${per.length - w - l}`;
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

/**
 * @module
 * hybrid-scale: hybrid vs vector-only search latency on a large index (`--scale-chunks 100000`), per query class —
 * bench-like, all common terms, all rare terms, mixed, a common term among words the index never saw — so the text
 * leg's cost is seen where it used to explode (every chunk holding a common term). The index is built through the
 * service: migrations, uploads, then the upload path's runner over them as one bulk load (chunker, offline embedder;
 * the HNSW index deferred and built once), small chunks so the count is reached with a modest corpus. Both modes go
 * through `searchMemory` over the same `pg` pool, sequentially, alternating, in the same run.
 */
import { createOfflineEmbedder } from "../lib/ai/index.js";
import { runUploadedJobs } from "../lib/ingest/runner.js";
import { uploadDocument } from "../lib/ingest/upload.js";
import { searchMemory } from "../lib/memory/search.js";
import { createTestDatabase, type TestDatabase, urlFor, withAdmin } from "../test/helpers/database.js";
import { sizeTag } from "./lib/args.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries, prng } from "./lib/corpus.js";
import { benchContext, dropWhenIdle, migrated } from "./lib/memory-db.js";
import { createPgDb } from "./lib/pg-db.js";
import type { BenchReport } from "./lib/report.js";
import { ms, num, ratio, summarize } from "./lib/stats.js";

const INDEX = "scale";
const CHUNK_TOKENS = 100;
const CHUNKS_PER_DOCUMENT = 400;
const QUERIES = 60;
const LIMIT = 10;
/** Uploaded jobs run per `runUploadedJobs` call during the build (each call batches and slots them). */
const LOAD_GROUP = 32;
/** VECTOR_INDEX_BUILD_MEMORY of the build (the deferred HNSW index is built in one statement at the end). */
const BUILD_MEMORY = "3GB";

/**
 * `BENCH_SCALE_DB=<name>` keeps the index in that database between runs: it is built when missing (or short of the
 * target) and reused otherwise, so a 100k figure can be re-measured after a search change without ~45 min of ingest.
 * Only the search statement may differ between the build and the measurement; migrations still run on reuse.
 */
async function scaleDatabase(): Promise<{ database: TestDatabase; keep: boolean }> {
  const name = process.env.BENCH_SCALE_DB;
  if (!name) return { database: await createTestDatabase("smbscale"), keep: false };
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error("BENCH_SCALE_DB must be a plain lower-case identifier");
  await withAdmin(async (c) => {
    const { rowCount } = await c.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) await c.query(`create database "${name}"`);
  });
  await withAdmin((c) => c.query("create extension if not exists vector"), name);
  const drop = () => withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined);
  return { database: { name, url: urlFor(name), drop }, keep: true };
}

export const hybridScale: Bench = {
  name: "hybrid-scale",
  summary: "hybrid vs vector p50/p99 at --scale-chunks (default 10k; record 100k) in five query classes",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: [],
  async run(env: BenchEnv): Promise<BenchReport> {
    const target = env.args.scaleChunks;
    const { database, keep } = await scaleDatabase();
    const db = createPgDb(database.url, { applicationName: "sm-bench-scale", max: 5 });
    const embedder = createOfflineEmbedder();
    try {
      await migrated(db, embedder);
      // The HNSW graph of 1M 384-d chunks needs more than a gigabyte while it is built; past maintenance_work_mem
      // (64MB by default) pgvector falls back to inserting row by row. The service's own setting for it:
      const { ctx, settle } = benchContext(db, embedder, { VECTOR_INDEX_BUILD_MEMORY: BUILD_MEMORY });
      const documents = Math.ceil(target / CHUNKS_PER_DOCUMENT);
      // ~1.9 bytes per token of this corpus (made-up words split into many tokens): ~CHUNKS_PER_DOCUMENT each.
      const docs = generateCorpus({ bytes: target * CHUNK_TOKENS * 1.9, documents, seed: 11 });
      const t0 = performance.now();
      const [built] = await db.query<{ n: number }>(
        "select count(*)::int as n from memory_documents where index_name = $1 and not failed and cardinality(remaining_steps) = 0",
        [INDEX],
      );
      const reused = (built?.n ?? 0) >= docs.length;
      if (reused) env.log(`reusing the index in ${database.name}`);
      // A first-time bulk load, as the service runs one: every document is uploaded (its job durable and due)
      // before any runs, so the HNSW index is deferred while memory_chunks fills and built once at the end
      // (lib/store/embedding-space.ts). Running each upload at once would keep the graph up to date row by row
      // (several times the cost: a 1M-chunk build would take hours).
      const queued: string[] = [];
      const loading: typeof ctx = { ...ctx, startJob: async (_ctx, jobId) => queued.push(jobId) };
      for (const doc of reused ? [] : docs) {
        await uploadDocument(loading, {
          index: INDEX,
          documentId: doc.documentId,
          files: [{ name: `${doc.documentId}.txt`, bytes: new TextEncoder().encode(doc.text) }],
          tags: {},
          steps: [],
          args: {
            custom_partitioning_max_tokens_per_paragraph_int: CHUNK_TOKENS,
            custom_partitioning_overlapping_tokens_int: 10,
          },
        });
      }
      await settle();
      // The upload path's own run (runner slots and batches), a few batches at a time to bound memory.
      for (let i = 0; i < queued.length; i += LOAD_GROUP) await runUploadedJobs(ctx, queued.slice(i, i + LOAD_GROUP));
      await settle();
      await db.query("analyze");
      const [{ chunks, pending }] = (await db.query<{ chunks: number; pending: string }>(
        `select (select count(*)::int from memory_chunks) as chunks,
                (select array_to_string(reloptions, ', ') from pg_class where relname = 'memory_chunks_fts') as pending`,
      )) as [{ chunks: number; pending: string }];
      env.log(`${chunks} chunks ingested in ${num((performance.now() - t0) / 1000, 0)} s`);

      const classes = await queryClasses(db, chunks);
      const rows: Array<Array<string>> = [];
      let worstP50 = 0;
      let worstP99 = 0;
      for (const [name, queries] of classes) {
        const times = { hybrid: [] as number[], vector: [] as number[] };
        for (const [i, query] of queries.entries()) {
          for (const mode of i % 2 ? (["vector", "hybrid"] as const) : (["hybrid", "vector"] as const)) {
            const s = performance.now();
            await searchMemory(ctx, {
              index: INDEX,
              query,
              filters: [],
              minRelevance: 0,
              limit: LIMIT,
              args: { search_mode: mode },
            });
            if (i >= 5) times[mode].push(performance.now() - s);
          }
        }
        const h = summarize(times.hybrid);
        const v = summarize(times.vector);
        worstP50 = Math.max(worstP50, h.p50 / v.p50);
        worstP99 = Math.max(worstP99, h.p99 / v.p99);
        rows.push([
          name,
          queries[0]!,
          ms(v.p50),
          ms(h.p50),
          ratio(h.p50 / v.p50),
          ms(v.p99),
          ms(h.p99),
          ratio(h.p99 / v.p99),
        ]);
      }
      const tag = sizeTag(env.args, ["scaleChunks"]);
      return {
        id: tag ? `hybrid-scale@${tag}` : "hybrid-scale",
        title: `Hybrid search cost at ${num(chunks)} chunks, per query class`,
        headline: `hybrid ÷ vector-only, worst class: p50 ${ratio(worstP50)}, p99 ${ratio(worstP99)}`,
        tables: [
          {
            headers: [
              "query class",
              "example",
              "vector p50",
              "hybrid p50",
              "ratio",
              "vector p99",
              "hybrid p99",
              "ratio",
            ],
            rows,
          },
        ],
        notes: [
          `${num(chunks)} chunks of ≤ ${CHUNK_TOKENS} tokens from ${docs.length} synthetic documents, all uploaded, then ` +
            "run through the pipeline (offline embedder) by the upload path's runner as a first-time bulk load (the " +
            `HNSW index built once at the end, VECTOR_INDEX_BUILD_MEMORY=${BUILD_MEMORY}); searchMemory over plain pg, ` +
            "sequential, modes alternating; " +
            `${QUERIES - 5} timed queries per class after 5 warm-up.` +
            (keep ? " Index kept in BENCH_SCALE_DB between runs (built by this bench, measured after ANALYZE)." : ""),
          "Classes by the maintained term statistics: common = 3 of the 40 most frequent lexemes; rare = 3 of the 200 " +
            "rarest; mixed = one of each plus a mid-frequency one (< 5% of chunks); common + unseen = one of the 40 most " +
            "frequent between two words the index never saw (typos: the ceiling is mostly theirs, so the text leg can add " +
            "little to any chunk); bench-like = the search bench's queries (some are of that kind).",
          `Full-text GIN index options: ${pending} (the pending list is merged by inserts past 256 kB; no autovacuum).`,
        ],
      };
    } finally {
      await db.close();
      if (!keep) await dropWhenIdle(database);
    }
  },
};

async function queryClasses(db: ReturnType<typeof createPgDb>, chunks: number): Promise<Array<[string, string[]]>> {
  const terms = await db.query<{ lexeme: string; chunks: number }>(
    "select lexeme, chunks from memory_terms where index_name = $1 order by chunks desc, lexeme",
    [INDEX],
  );
  const common = terms.slice(0, 40).map((t) => t.lexeme);
  // Rare: the 200 rarest lexemes (a Zipf vocabulary this small has few below 0.1% at 100k chunks).
  const rare = terms.slice(-200).map((t) => t.lexeme);
  const mid = terms
    .slice(40, -200)
    .filter((t) => t.chunks < chunks / 20)
    .map((t) => t.lexeme);
  const random = prng(5);
  const pick = (from: string[]) => from[Math.floor(random() * from.length)]!;
  const make = (f: () => string[]) => Array.from({ length: QUERIES }, () => f().join(" "));
  // Letters the corpus's syllables never put together, and checked against the index's vocabulary.
  const known = new Set(terms.map((t) => t.lexeme));
  const unseen = (): string => {
    const word = `qz${Math.floor(random() * 1e6).toString(36)}xv`;
    return known.has(word) ? unseen() : word;
  };
  return [
    ["bench-like", generateQueries(QUERIES, 23)],
    ["all common", make(() => [pick(common), pick(common), pick(common)])],
    ["all rare", make(() => [pick(rare), pick(rare), pick(rare)])],
    ["mixed", make(() => [pick(common), pick(mid.length ? mid : common), pick(rare)])],
    ["common + unseen", make(() => [unseen(), pick(common), unseen()])],
  ];
}

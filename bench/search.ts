/**
 * @module
 * search: warm `/search` latency through the service (HTTP → Hono → embed → Neon Pool → proxy → Postgres) against
 * the same store function over plain `pg`, and against two floors: one raw pgvector k-NN sent over the SAME transport
 * as the service (Neon Pool through the local proxy) and the same statement straight through `pg`. The raw k-NN has
 * the predicates, index expression and ef_search of the service's vector leg (so EXPLAIN shows the same HNSW Index
 * Scan; the bench refuses to report a floor that does not use it). The same-transport floor is the one the service is judged against (the transport's own
 * cost is not ours to remove); the pg floor shows what the transport costs. Sequential requests (concurrency 1), so
 * this is latency, not throughput. The full-text GIN index is flushed first (`VACUUM`), as after ingest batches.
 */
import pg from "pg";
import { createOfflineEmbedder } from "../lib/ai/index.js";
import { parseConfig } from "../lib/config/env.js";
import { useLocalNeonProxy } from "../lib/db/local-proxy.js";
import { createPoolDb } from "../lib/db/pool.js";
import type { Db } from "../lib/db/types.js";
import { effectiveEfSearch, hnswSettingsGate, searchChunks } from "../lib/store/chunk-search.js";
import { indexedDistance } from "../lib/store/embedding-space.js";
import { dbConfig } from "../test/helpers/db-handles.js";
import { sizeTag } from "./lib/args.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus, generateQueries } from "./lib/corpus.js";
import { FRESH_DOCUMENTS_NOTE, freshIngestRows } from "./lib/fresh-ingest.js";
import { runLoad } from "./lib/load.js";
import { BENCH_INDEX, corpusDatabase, dropWhenIdle } from "./lib/memory-db.js";
import { createPgDb } from "./lib/pg-db.js";
import { describeScans, explainingDb } from "./lib/plans.js";
import { admitAll, startService } from "./lib/processes.js";
import { ms, num, ratio, type Summary, summarize } from "./lib/stats.js";

const K = 10;
const WARM = 20;
/** P3's bounds on the HTTP paths, as multiples of the same-transport HNSW floor's p50. */
const TARGET = { vector: 1.5, hybrid: 2.5 } as const;
const EF_SEARCH = effectiveEfSearch(K, parseConfig({}).SEARCH_EF_SEARCH);
// The service's vector leg without the service: same predicates (index, vector space), same index expression,
// same one-statement ef_search/iterative-scan settings; no file join, no tag filters, no relevance cut.
const RAW_KNN = `select id, text, 1 - (embedding::vector(384) <=> $1::vector(384)) as relevance
                   from memory_chunks where index_name = $2 and vector_dims(embedding) = 384 and ${hnswSettingsGate("$3")}
                  order by ${indexedDistance(384, "embedding", "$1")} limit ${K}`;

export const search: Bench = {
  name: "search",
  summary: "warm /search p50/p99 vs searchChunks over pg vs the raw HNSW k-NN",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/node.ts"],
  async run(env: BenchEnv) {
    const { args } = env;
    const docs = generateCorpus({ bytes: args.corpusMb * 1_000_000, documents: 20 });
    const database = await corpusDatabase("smbsrch", docs);
    await flushIndexes(database.url);
    const queries = generateQueries(args.queries + WARM, 23);
    const embedder = createOfflineEmbedder();
    const vectors = await embedder.embed(queries);
    const rows: Array<{ label: string; s: Summary; plan?: string }> = [];
    let chunks = 0;
    try {
      const service = await startService({
        databaseUrl: database.url,
        proxy: env.proxy,
        poolMax: 5,
        applicationName: "smb-search",
        maxInFlight: admitAll(1),
      });
      try {
        for (const [label, extra] of [
          [HTTP_HYBRID, {}],
          [HTTP_VECTOR, { args: { search_mode: "vector" } }],
        ] as const) {
          const body = (i: number) => JSON.stringify({ index: BENCH_INDEX, query: queries[i], limit: K, ...extra });
          env.log(label);
          const load = await runLoad({
            total: queries.length,
            concurrency: 1,
            target: (i) => ({ url: `${service.url}/search`, body: body(i) }),
          });
          if (load.ok !== queries.length) throw new Error(`${label}: ${load.ok}/${queries.length} ok`);
          rows.push({ label, s: summarize(load.latencies.slice(WARM)) });
        }
      } finally {
        await service.stop();
      }

      useLocalNeonProxy(env.proxy);
      const neonDb = createPoolDb(dbConfig(database.url, { poolMax: 1, applicationName: "smb-search-neon" }));
      const pgDb = createPgDb(database.url, { max: 1 });
      const searchOnce = (db: Db, hybrid: boolean, i: number) =>
        searchChunks(db, {
          index: BENCH_INDEX,
          vector: vectors[i]!,
          dimensions: embedder.dimensions,
          text: hybrid ? queries[i] : undefined,
          filters: [],
          minRelevance: 0,
          limit: K,
          efSearch: parseConfig({}).SEARCH_EF_SEARCH,
        });
      const store = async (db: Db, hybrid: boolean) => timeEach(queries.length, (i) => searchOnce(db, hybrid, i));
      const rawParams = (i: number) => [JSON.stringify(vectors[i]), BENCH_INDEX, String(EF_SEARCH)];
      // What the planner chose for each path, on the first query (the same plans serve HTTP and the store rows).
      const plan = async (run: (db: Db) => Promise<unknown>) => {
        const scans: string[] = [];
        await run(explainingDb(pgDb, scans));
        return describeScans(scans);
      };
      const plans = {
        hybrid: await plan((db) => searchOnce(db, true, 0)),
        vector: await plan((db) => searchOnce(db, false, 0)),
        floor: await plan((db) => db.query(RAW_KNN, rawParams(0))),
      };
      if (!plans.floor.startsWith("Index Scan memory_chunks_hnsw_384"))
        throw new Error(`the raw k-NN does not use the HNSW index (${plans.floor}): it is no floor`);
      try {
        for (const row of rows) row.plan = row.label === HTTP_HYBRID ? plans.hybrid : plans.vector;
        rows.push({
          label: "searchChunks() over Neon Pool via proxy, hybrid",
          s: await store(neonDb, true),
          plan: plans.hybrid,
        });
        rows.push({
          label: "searchChunks() over Neon Pool via proxy, vector only",
          s: await store(neonDb, false),
          plan: plans.vector,
        });
        rows.push({
          label: SAME_TRANSPORT_FLOOR,
          s: await timeEach(queries.length, (i) => neonDb.query(RAW_KNN, rawParams(i))),
          plan: plans.floor,
        });
        rows.push({ label: "searchChunks() over plain pg, hybrid", s: await store(pgDb, true), plan: plans.hybrid });
        rows.push({
          label: "searchChunks() over plain pg, vector only",
          s: await store(pgDb, false),
          plan: plans.vector,
        });
      } finally {
        await neonDb.close();
        await pgDb.close();
      }

      const client = new pg.Client({ connectionString: database.url, application_name: "smb-search-raw" });
      client.on("error", () => {});
      await client.connect();
      try {
        chunks = Number((await client.query("select count(*) from memory_chunks")).rows[0].count);
        rows.push({
          label: PG_FLOOR,
          s: await timeEach(queries.length, (i) =>
            client.query(RAW_KNN, [JSON.stringify(vectors[i]), BENCH_INDEX, String(EF_SEARCH)]),
          ),
          plan: rows.find((r) => r.label === SAME_TRANSPORT_FLOOR)?.plan,
        });
      } finally {
        await client.end();
      }
    } finally {
      await dropWhenIdle(database);
    }

    const fresh = await freshIngestRows({ documents: FRESH_DOCUMENTS, queries, warm: WARM, log: env.log });
    const freshAfter = fresh.rows[fresh.rows.length - 1]!.s;

    const find = (prefix: string) => rows.find((r) => r.label.startsWith(prefix))!.s;
    const floor = find(PG_FLOOR);
    const same = find(SAME_TRANSPORT_FLOOR);
    const httpVector = find(HTTP_VECTOR);
    const httpHybrid = find(HTTP_HYBRID);
    const against = (value: number, target: number) =>
      `${ratio(value)} (target ≤ ${ratio(target)}: ${value <= target ? "met" : `missed by ${ratio(value / target)}`})`;
    const sizes = sizeTag(args, ["queries", "corpusMb"]);
    return {
      id: sizes ? `search@${sizes}` : "search",
      title: `search — ${args.queries} warm queries, k=${K}, ${num(chunks)} chunks (${args.corpusMb} MB corpus)`,
      headline:
        `p50 ours ÷ the raw HNSW k-NN over the same transport (floor p50 ${ms(same.p50)}): HTTP vector-only ${against(httpVector.p50 / same.p50, TARGET.vector)}, ` +
        `HTTP hybrid ${against(httpHybrid.p50 / same.p50, TARGET.hybrid)}; ÷ the same k-NN over plain pg (p50 ${ms(floor.p50)}): ` +
        `${ratio(httpVector.p50 / floor.p50)}, ${ratio(httpHybrid.p50 / floor.p50)}; 0 errors (every request answered 200); ` +
        `right after a bulk ingest (${num(fresh.chunks)} chunks, no manual ANALYZE): vector p50 ${ms(fresh.rows[0]!.s.p50)} before any ANALYZE, ${ms(freshAfter.p50)} after the runner's auto-analysis`,
      tables: [
        {
          headers: [
            "path",
            "plan over memory_chunks",
            "p50",
            "p99",
            "p50 ÷ same-transport floor",
            "p50 ÷ pg floor",
            "p99 ÷ pg floor",
          ],
          rows: rows.map(({ label, s, plan }) => [
            label,
            plan ?? "–",
            ms(s.p50),
            ms(s.p99),
            ratio(s.p50 / same.p50),
            ratio(s.p50 / floor.p50),
            ratio(s.p99 / floor.p99),
          ]),
        },
        {
          headers: [
            "right after a bulk ingest on a fresh database",
            "plan over memory_chunks",
            "p50",
            "p99",
            "p50 ÷ after",
          ],
          rows: fresh.rows.map(({ label, plan, s }: { label: string; plan: string; s: Summary }) => [
            label,
            plan,
            ms(s.p50),
            ms(s.p99),
            ratio(s.p50 / freshAfter.p50),
          ]),
        },
      ],
      notes: [
        FRESH_DOCUMENTS_NOTE(fresh.chunks, fresh.ingestMs),
        `Sequential (concurrency 1), ${WARM} warm-up queries dropped. Queries are 2–4 corpus words, embedded by the offline embedder (HTTP rows include that embedding; the others get the vectors precomputed).`,
        "searchChunks() (with the service's default SEARCH_EF_SEARCH) is ONE statement, one round trip: pgvector's ef_search and iterative_scan are set inside it by a transaction-local set_config in a one-time filter (lib/store/chunk-search.ts), so no BEGIN/SET/COMMIT round trips and nothing left on the connection. Through the local Neon proxy every round trip crosses a WebSocket relay in another Node process on the same 2 cores; the same-transport floor pays that relay once too. Hybrid (the default) adds the full-text leg: document-frequency counts per query term, one GIN lookup for chunks holding any discriminative term, IDF scoring of those candidates, and rank fusion.",
        `The floors are the service's vector leg alone: \`index_name = $2 and vector_dims(embedding) = 384\`, ordered by the HNSW index's halfvec expression, with the same one-statement settings (ef_search ${EF_SEARCH}, iterative scan) — the plan column is EXPLAIN's for each path. What the floor cannot share with the HTTP rows: the HTTP rows also embed the query (offline embedder, in the service), parse and validate the request, join the file columns and serialize the answer; hybrid adds the full-text leg. The P3 targets (≤ ${TARGET.vector}× vector, ≤ ${TARGET.hybrid}× hybrid) are against the same-transport floor.`,
        "Every request of every row must answer 200 (a non-200 fails the benchmark), so the latencies carry 0 errors.",
      ],
    };
  },
};

const FRESH_DOCUMENTS = 3_000;
const HTTP_HYBRID = "HTTP POST /search, hybrid (the default)";
const HTTP_VECTOR = "HTTP POST /search, vector only";
const SAME_TRANSPORT_FLOOR = "floor: raw HNSW k-NN over Neon Pool via proxy (same transport)";
const PG_FLOOR = "floor: raw HNSW k-NN over pg";

/** Merges the GIN pending list (autovacuum is off here, as it may be on a user's database) and refreshes statistics. */
async function flushIndexes(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: "smb-search-flush" });
  await client.connect();
  try {
    await client.query("vacuum analyze memory_chunks");
  } finally {
    await client.end();
  }
}

async function timeEach(count: number, run: (i: number) => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await run(i);
    if (i >= WARM) samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

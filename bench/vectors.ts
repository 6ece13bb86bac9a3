/**
 * @module
 * vectors: pgvector at scale in the project's schema shape (an untyped `vector` column with the expression index
 * `((embedding::vector(384)) vector_cosine_ops)` and a `text[]` tag list): bulk load, HNSW build, search latency,
 * recall@10 against exact search, and recall under a 10%-selective tag filter with `hnsw.iterative_scan` off vs
 * `relaxed_order` (what searchChunks sets).
 */
import pg from "pg";
import { createTestDatabase, type TestDatabase, urlFor, withAdmin } from "../test/helpers/database.js";
import { sizeTag } from "./lib/args.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { measureShape, type Shape } from "./lib/intrinsic-dim.js";
import { dropWhenIdle } from "./lib/memory-db.js";
import { realMiniLmVectors } from "./lib/real-embeddings.js";
import { ms, num, ratio, summarize } from "./lib/stats.js";
import { DIMENSIONS, literal, vectorSource } from "./lib/vectors-data.js";

const K = 10;
const BATCH = 1_000;
const TAGS = 10;
const D = DIMENSIONS;

/** What the service sends by default (SEARCH_EF_SEARCH), and the values measured around it. */
const SERVICE_EF = 100;
const EF_VALUES = [40, 100, 200, 400] as const;
const mark = (value: number) => (value === SERVICE_EF ? " *" : "");

export const vectors: Bench = {
  name: "vectors",
  summary: "bulk load, HNSW build, latency, recall@10 (filtered: iterative_scan off vs relaxed_order)",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: [],
  async run(env: BenchEnv) {
    const { args } = env;
    const n = args.vectors;
    if (args.hnswBits !== 16 && args.hnswBits !== 32) throw new Error("--hnsw-bits is 16 (halfvec) or 32 (vector)");
    const type = args.hnswBits === 16 ? "halfvec" : "vector";
    const ORDER = `embedding::${type}(${D}) <=> $1::${type}(${D})`;
    const indexShape = `((embedding::${type}(${D})) ${type}_cosine_ops) with (m = ${args.hnswM}, ef_construction = ${args.hnswEfConstruction})`;
    env.log("measuring the intrinsic dimensionality of real MiniLM vectors and of the generator");
    const real = realMiniLmVectors();
    const sample = vectorSource(1);
    const shapes: Array<[string, Shape]> = [
      ["real all-MiniLM-L6-v2 (@sap-ux/fiori-docs-embeddings)", measureShape(real)],
      ["this generator (same count)", measureShape(Array.from({ length: real.length }, sample))],
    ];
    // SMB_VECTORS_DB names a database an earlier run of the same size loaded and could not drop (it was stopped
    // during the index build): same seed, so the same rows; its load is not timed again.
    const reuse = process.env.SMB_VECTORS_DB;
    const database: TestDatabase = reuse
      ? {
          name: reuse,
          url: urlFor(reuse),
          drop: () => withAdmin((c) => c.query(`drop database if exists "${reuse}" with (force)`)).then(() => {}),
        }
      : await createTestDatabase("smbvec");
    const client = new pg.Client({ connectionString: database.url, application_name: "smb-vectors" });
    client.on("error", () => {});
    await client.connect();
    try {
      let loadMs = 0;
      let generateMs = 0;
      if (reuse) {
        const [row] = (
          await client.query<{ n: number; lo: number; hi: number }>(
            "select count(*)::int as n, min(id) as lo, max(id) as hi from bench_vectors",
          )
        ).rows;
        if (row?.n !== n || row.lo !== 0 || row.hi !== n - 1) throw new Error(`${reuse} does not hold ${n} vectors`);
        env.log(`reusing the ${num(n)} vectors loaded into ${reuse}`);
        await client.query("drop index if exists bench_vectors_hnsw");
        loadMs = Number.NaN;
        generateMs = Number.NaN;
      } else {
        await client.query(`create table bench_vectors (
        id integer primary key, embedding vector not null, tag_list text[] not null)`);
        env.log(`loading ${num(n)} vectors`);
      }
      const next = vectorSource(1);
      const g0 = performance.now();
      for (let start = 0; start < (reuse ? 0 : n); start += BATCH) {
        const ids: number[] = [];
        const embeddings: string[] = [];
        const tags: string[] = [];
        for (let id = start; id < Math.min(n, start + BATCH); id++) {
          ids.push(id);
          embeddings.push(literal(next()));
          tags.push(`t:${id % TAGS}`);
        }
        const t0 = performance.now();
        await client.query(
          `insert into bench_vectors (id, embedding, tag_list)
           select u.id, u.e::vector, array[u.t] from unnest($1::int[], $2::text[], $3::text[]) as u(id, e, t)`,
          [ids, embeddings, tags],
        );
        loadMs += performance.now() - t0;
      }
      if (!reuse) generateMs = performance.now() - g0 - loadMs;
      await client.query("vacuum analyze bench_vectors");

      env.log("building the HNSW index");
      await client.query("set maintenance_work_mem = '4GB'");
      await client.query("set max_parallel_maintenance_workers = 1");
      const t1 = performance.now();
      await client.query(`create index bench_vectors_hnsw on bench_vectors using hnsw ${indexShape}`);
      const buildMs = performance.now() - t1;
      const [{ size }] = (
        await client.query<{ size: string }>("select pg_size_pretty(pg_relation_size('bench_vectors_hnsw')) as size")
      ).rows as [{ size: string }];

      const queryOf = vectorSource(777);
      const queries = Array.from({ length: args.vectorQueries }, () => JSON.stringify(Array.from(queryOf())));
      const tagOf = (i: number) => `t:${i % TAGS}`;
      const unfiltered = `select id from bench_vectors order by ${ORDER} limit ${K}`;
      const filtered = `select id from bench_vectors where tag_list @> array[$2::text] order by ${ORDER} limit ${K}`;
      // Ground truth is float32 cosine order, whatever precision the index keeps.
      const EXACT_ORDER = `embedding::vector(${D}) <=> $1::vector(${D})`;
      const exactUnfiltered = unfiltered.replace(ORDER, EXACT_ORDER);
      const exactFilteredSql = filtered.replace(ORDER, EXACT_ORDER);

      const run = async (sql: string, settings: string[], withTag: boolean) => {
        const latencies: number[] = [];
        const results: number[][] = [];
        await client.query("begin");
        try {
          for (const s of settings) await client.query(s);
          for (let i = 0; i < queries.length; i++) {
            const t = performance.now();
            const { rows } = await client.query<{ id: number }>(sql, withTag ? [queries[i], tagOf(i)] : [queries[i]]);
            latencies.push(performance.now() - t);
            results.push(rows.map((r) => r.id));
          }
        } finally {
          await client.query("commit");
        }
        return { latencies, results };
      };
      const exactly = ["set local enable_indexscan = off"];
      env.log(`exact search for ${queries.length} queries`);
      const exact = await run(exactUnfiltered, exactly, false);
      const exactFiltered = await run(exactFilteredSql, exactly, true);
      env.log("HNSW search");
      const efSetting = (value: number) => `set local hnsw.ef_search = ${value}`;
      // A throwaway pass warms the index into shared buffers / page cache.
      await run(unfiltered, [efSetting(SERVICE_EF)], false);
      const byEf = new Map<number, Awaited<ReturnType<typeof run>>>();
      for (const value of EF_VALUES) byEf.set(value, await run(unfiltered, [efSetting(value)], false));
      const approx = byEf.get(SERVICE_EF)!;
      const off = await run(filtered, [efSetting(SERVICE_EF), "set local hnsw.iterative_scan = off"], true);
      const relaxedByEf = new Map<number, Awaited<ReturnType<typeof run>>>();
      for (const value of EF_VALUES) {
        relaxedByEf.set(
          value,
          await run(filtered, [efSetting(value), "set local hnsw.iterative_scan = relaxed_order"], true),
        );
      }
      const relaxed = relaxedByEf.get(SERVICE_EF)!;

      const plan = await client.query(`explain (format json) ${filtered}`, [queries[0], tagOf(0)]);
      const [{ shared_buffers: sharedBuffers }] = (
        await client.query<{ shared_buffers: string }>("show shared_buffers")
      ).rows as [{ shared_buffers: string }];
      const usesIndex = JSON.stringify(plan.rows).includes("bench_vectors_hnsw");

      const recall = (got: number[][], truth: number[][]) => {
        let hit = 0;
        let total = 0;
        got.forEach((ids, i) => {
          const want = new Set(truth[i]);
          total += want.size;
          hit += ids.filter((id) => want.has(id)).length;
        });
        return total ? hit / total : Number.NaN;
      };
      const returned = (got: number[][]) => got.reduce((s, ids) => s + ids.length, 0) / got.length;
      const row = (label: string, r: typeof approx, truth: typeof exact) => {
        const s = summarize(r.latencies);
        return [label, ms(s.p50), ms(s.p99), recall(r.results, truth.results).toFixed(3), num(returned(r.results), 1)];
      };
      const e = summarize(exact.latencies);
      const a = summarize(approx.latencies);
      const rOff = recall(off.results, exactFiltered.results);
      const rRelaxed = recall(relaxed.results, exactFiltered.results);
      const sizes = sizeTag(args, ["vectors", "vectorQueries", "hnswM", "hnswEfConstruction", "hnswBits"]);
      return {
        id: sizes ? `vectors@${sizes}` : "vectors",
        title: `vectors — ${num(n)} × ${D}-d, ${args.vectorQueries} queries, k=${K}, HNSW ${type} m ${args.hnswM} ef_construction ${args.hnswEfConstruction}`,
        headline:
          `recall@10 ${recall(approx.results, exact.results).toFixed(3)} at ${ratio(e.p50 / a.p50)} the speed of exact search (p50 ${ms(a.p50)} vs ${ms(e.p50)}); ` +
          `10% tag filter: recall ${rOff.toFixed(3)} with iterative_scan off → ${rRelaxed.toFixed(3)} with relaxed_order`,
        tables: [
          {
            headers: ["vectors", "count", "TwoNN", "Levina–Bickel (k=10)", "mean pairwise cosine", "mean NN cosine"],
            rows: shapes.map(([label, shape]) => [
              label,
              num(shape.count),
              shape.twoNN.toFixed(1),
              shape.levinaBickel10.toFixed(1),
              shape.meanPairCosine.toFixed(3),
              shape.meanNeighbourCosine.toFixed(3),
            ]),
          },
          {
            headers: [
              "bulk load (INSERT time)",
              "rows/s",
              "HNSW build",
              "index size",
              "generating the vectors (client)",
            ],
            rows: [
              reuse
                ? ["(earlier run)", "–", ms(buildMs), size, "(earlier run)"]
                : [ms(loadMs), num((n / loadMs) * 1000), ms(buildMs), size, ms(generateMs)],
            ],
          },
          {
            headers: ["search", "p50", "p99", "recall@10", "rows returned (avg)"],
            rows: [
              row("exact (enable_indexscan = off)", exact, exact),
              ...EF_VALUES.map((value) => row(`HNSW, ef_search ${value}${mark(value)}`, byEf.get(value)!, exact)),
              row("exact, 10% tag filter", exactFiltered, exactFiltered),
              row(`HNSW + 10% tag filter, iterative_scan = off, ef_search ${SERVICE_EF}`, off, exactFiltered),
              ...EF_VALUES.map((value) =>
                row(
                  `HNSW + 10% tag filter, iterative_scan = relaxed_order, ef_search ${value}${mark(value)}`,
                  relaxedByEf.get(value)!,
                  exactFiltered,
                ),
              ),
            ],
          },
        ],
        notes: [
          `Synthetic unit vectors of text-like intrinsic dimensionality (a 20-d latent mixture of 1,000 topics lifted to ${D}-d, bench/lib/vectors-data.ts), seeded; the first table compares them with real all-MiniLM-L6-v2 vectors on the same estimators (bench/lib/intrinsic-dim.ts). Each row has one tag \`t:0…t:9\` (10% selective). Table shape as the project's \`memory_chunks\`: untyped \`vector\` column, expression index \`${indexShape}\`. Recall is against exact float32 search. ef_search ${SERVICE_EF} (marked *) is the service's default (\`SEARCH_EF_SEARCH\`; pgvector's own default is 40); the headline uses it.`,
          ...(reuse
            ? [
                `The rows were loaded by an earlier run of this command (same seed, so the same rows) that was stopped during its index build; this run reused ${reuse} and timed the build and searches only.`,
              ]
            : []),
          `Bulk load: multi-row \`INSERT … SELECT FROM unnest(…)\` of ${BATCH} rows per statement over one pg connection, before the index exists. Build: \`maintenance_work_mem = 4GB\`, \`max_parallel_maintenance_workers = 1\` (2 cores).`,
          `No GIN index on tags here, so the planner has only the HNSW index or a full scan to choose from; the filtered query's plan ${usesIndex ? "uses" : "does NOT use"} the HNSW index. Without iterative scan, HNSW hands back ef_search candidates and the filter keeps ~10% of them, so fewer than k rows come back.`,
          `Latencies are measured from the bench process over one plain pg connection (no service, no proxy); the server's shared_buffers is ${sharedBuffers} (index size above: an index larger than shared_buffers is read through the OS page cache).`,
        ],
      };
    } finally {
      await client.end();
      await dropWhenIdle(database);
    }
  },
};

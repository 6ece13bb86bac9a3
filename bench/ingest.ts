/**
 * @module
 * ingest: one deterministic corpus through our pipeline (upload → extract → partition → embed → atomic replace)
 * against what a LangChain.js user runs on the same corpus with the SAME embedder: `RecursiveCharacterTextSplitter`
 * then `PGVectorStore.addDocuments` (by characters, sized to match our chunks; and by cl100k tokens with our own
 * tokenizer, 1000 / 100 as ours; for reference, addDocuments given our own chunks); plus our re-ingest of the
 * unchanged corpus (a no-op per document). The first ingest goes into an empty database, so the service defers
 * its HNSW index and builds it once the queue drains (lib/store/embedding-space.ts); a second index name in the same
 * table measures the steady state, the index maintained on every insert.
 */

import { PGVectorStore } from "@langchain/community/vectorstores/pgvector";
import { Document } from "@langchain/core/documents";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import pg from "pg";
import { createOfflineEmbedder } from "../lib/ai/index.js";
import { useLocalNeonProxy } from "../lib/db/local-proxy.js";
import { createPoolDb } from "../lib/db/pool.js";
import type { Db } from "../lib/db/types.js";
import { countTokens } from "../lib/partition/tokenizer.js";
import { HNSW_OPTIONS } from "../lib/store/embedding-space.js";
import { createTestDatabase } from "../test/helpers/database.js";
import { dbConfig } from "../test/helpers/db-handles.js";
import { MANY_DOCUMENTS, manySmallDocuments, manyTable } from "./ingest-many.js";
import { sizeTag } from "./lib/args.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { type CorpusDocument, corpusBytes, generateCorpus } from "./lib/corpus.js";
import { ProjectEmbeddings } from "./lib/langchain-embeddings.js";
import { benchContext, countingEmbedder, dropWhenIdle, ingestCorpus, migrated } from "./lib/memory-db.js";
import { createPgDb } from "./lib/pg-db.js";
import { ms, num, ratio } from "./lib/stats.js";

const ROUNDS = 3;
// Characters per chunk so LangChain's chunks average the length of ours (~1000 cl100k tokens with 100 overlap is
// ~2,300 characters of this corpus's made-up words), so both sides embed and store about as many chunks.
const SPLITTER = { chunkSize: 2300, chunkOverlap: 230 };

export type Row = { label: string; chunks: number; ms: number; embedCalls: number; embedded: number };

export const ingest: Bench = {
  name: "ingest",
  summary: "our pipeline vs LangChain PGVectorStore.addDocuments, same chunks and embedder",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: [],
  async run(env: BenchEnv) {
    const { args } = env;
    const docs = generateCorpus({ bytes: args.corpusMb * 1_000_000, documents: 20, seed: 99 });
    useLocalNeonProxy(env.proxy);
    const rounds: Row[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      env.log(`round ${round + 1}/${ROUNDS}`);
      rounds.push(await oneRound(docs));
    }
    const many = manyTable(await manySmallDocuments(env.proxy, env.log));
    // Median wall time per pipeline over the rounds (each round on a fresh database).
    const rows = rounds[0]!.map((r, i) => {
      const times = rounds.map((rs) => rs[i]!.ms).sort((a, b) => a - b);
      return { ...r, ms: times[Math.floor(times.length / 2)]! };
    });
    const rate = (r: Row) => (r.chunks / r.ms) * 1000;
    const mb = corpusBytes(docs) / 1e6;
    const [first, again, upkeep, neon, langchainSplit, langchainTokens, langchainOurs, embedOnly] = rows as [
      Row,
      Row,
      Row,
      Row,
      Row,
      Row,
      Row,
      Row,
    ];
    // Same corpus on both sides: the ratio is of wall times (chunk counts differ with the splitter), against the
    // faster of LangChain's two splitters in this run.
    const peer = langchainSplit.ms <= langchainTokens.ms ? langchainSplit : langchainTokens;
    const vs = (r: Row) => peer.ms / r.ms;
    const sizes = sizeTag(args, ["corpusMb"]);
    return {
      id: sizes ? `ingest@${sizes}` : "ingest",
      title: `ingest — ${mb.toFixed(2)} MB corpus, ${docs.length} documents, ${num(first.chunks)} chunks, offline embedder (384-d)`,
      headline: `ours ÷ LangChain (splitter + addDocuments), same corpus and embedder, first ingest into an empty database: ${ratio(vs(first))} (${ms(first.ms)} vs ${ms(peer.ms)}); into a table that already holds chunks (HNSW upkeep on insert): ${ratio(vs(upkeep))}; unchanged re-ingest ${ratio(first.ms / again.ms)} faster than the first ingest (${ms(again.ms)}, ${again.embedCalls} embedding calls); ${many.headline}`,
      tables: [
        {
          headers: ["pipeline", "chunks", "wall time", "MB/s", "chunks/s", "embedding calls (texts)", "÷ LangChain"],
          rows: [first, again, upkeep, neon, langchainSplit, langchainTokens, langchainOurs, embedOnly].map((r) => [
            r.label,
            num(r.chunks),
            ms(r.ms),
            num((mb / r.ms) * 1000, 2),
            num(rate(r)),
            `${r.embedCalls} (${num(r.embedded)})`,
            r === embedOnly || r === langchainOurs ? "–" : ratio(vs(r)),
          ]),
        },
        many.table,
      ],
      notes: [
        `Many small documents: ${MANY_DOCUMENTS.toLocaleString("en-US")} Cranfield and CISI abstracts (../shared/data, read in place; each abstract used several times with a copy number in its title, so every text is distinct and the embedding cache serves none from another) posted as NDJSON to POST /upload/bulk (1,000 lines a request) on the Node server (the code \`npm start\` runs, Neon Pool through the local proxy, a fresh database), timed from the first request until every document's status is completed (read from memory_documents). LangChain: the same texts, one Document each, one \`PGVectorStore.addDocuments\` call with the same offline embedder, HNSW index created first, on the same database after ours finished. One run (not a median).`,
        `Median wall time of ${ROUNDS} rounds, each on a fresh database; all pipelines run in every round, same machine, same run. The corpus is generated deterministically (bench/lib/corpus.ts). LangChain gets the same offline embedder wrapped as a LangChain \`Embeddings\` (bench/lib/langchain-embeddings.ts) and splits the raw documents with \`RecursiveCharacterTextSplitter\`: by characters (${SPLITTER.chunkSize}, overlap ${SPLITTER.chunkOverlap}, sized so its chunks average ours), and by cl100k tokens through our tokenizer (1000 / 100, the settings ours uses). "÷ LangChain" compares wall times on the same corpus against the faster of the two splitter rows in this run (${peer === langchainSplit ? "characters" : "tokens"}). Every LangChain table gets its own HNSW cosine index (createHnswIndex with a namespace: its default index name is one per database, so without it only the first table had one), created before addDocuments as its docs show, maintained on insert, with the same m ${HNSW_OPTIONS.m} / ef_construction ${HNSW_OPTIONS.efConstruction} as ours (ours over halfvec, LangChain's over vector: its createHnswIndex offers no halfvec).`,
        "Ours does more per chunk than LangChain: it stores the uploaded file, extracts, tokenizes and partitions with exact cl100k token counts, hashes each chunk, caches embeddings by content hash, maintains GIN indexes on tags and full text, and replaces each document's chunks in one transaction. LangChain's time is splitting + embedding + multi-row INSERTs (`chunkSize` 500).",
        "Documents are uploaded one after another; their pipeline runs overlap in the background (`waitUntil`), as they do in the service. Wall time is from the first upload to the last run finished.",
        "Re-ingest of the unchanged corpus: each upload's fingerprint (bytes, tags, steps, arguments, embedder) matches its completed document, so it is one read and no writes, no job, no extraction.",
        "First ingest: into a fresh database, as a first-time bulk load (e.g. `serverless-memory ingest ./folder`) is. memory_chunks is empty when the first job starts, so the service drops its (empty) HNSW index and builds it once no ingestion job is running or due; the build is inside the wall time (the last job waits for it). Upkeep on insert: the same corpus again under a second index name in the same table, which now holds chunks, so the index is kept up to date row by row, as for every later upload (the embedding cache is per index name, so it embeds everything again).",
      ],
    };
  },
};

async function oneRound(docs: readonly CorpusDocument[]): Promise<Row[]> {
  const database = await createTestDatabase("smbing");
  const rows: Row[] = [];
  const pgDb = createPgDb(database.url, { max: 5, applicationName: "smb-ingest-pg" });
  const neonDb = createPoolDb(dbConfig(database.url, { poolMax: 5, applicationName: "smb-ingest-neon" }));
  try {
    await migrated(pgDb);
    const ours = async (label: string, db: Db, index: string) => {
      const embedder = countingEmbedder();
      const { ctx, settle } = benchContext(db, embedder);
      const elapsed = await ingestCorpus(ctx, settle, docs, index);
      const [row] = await db.query<{ n: number; bad: number }>(
        `select (select count(*)::int from memory_chunks where index_name = $1) as n,
                (select count(*)::int from memory_documents where index_name = $1
                    and (failed or cardinality(remaining_steps) > 0)) as bad`,
        [index],
      );
      if (row!.bad) throw new Error(`${label}: ${row!.bad} documents did not finish`);
      rows.push({ label, chunks: row!.n, ms: elapsed, embedCalls: embedder.calls, embedded: embedder.texts });
    };
    await ours("ours, plain pg (same wire as LangChain), first ingest into an empty database", pgDb, "bench");
    const [index] = await pgDb.query<{ ok: boolean }>("select to_regclass('memory_chunks_hnsw_384') is not null as ok");
    if (!index?.ok) throw new Error("the deferred HNSW index was not built after the first ingest");
    await ours("ours, re-ingest of the unchanged corpus, plain pg", pgDb, "bench");
    await ours("ours, plain pg, into a table that already holds chunks (HNSW upkeep on insert)", pgDb, "bench-more");
    await ours("ours, Neon Pool via the local proxy (the Node service's path), upkeep on insert", neonDb, "bench-neon");

    // The very chunks our partitioner produced, in order, for LangChain.
    const chunks = await pgDb.query<{ text: string; document_id: string; partition_number: number }>(
      "select text, document_id, partition_number from memory_chunks where index_name = 'bench' order by document_id, partition_number",
    );
    rows.push(
      await langchain(
        database.url,
        "langchain_split",
        "LangChain.js splitter + PGVectorStore.addDocuments",
        async () => {
          const splitter = new RecursiveCharacterTextSplitter(SPLITTER);
          const split = await splitter.createDocuments(
            docs.map((d) => d.text),
            docs.map((d) => ({ documentId: d.documentId })),
          );
          return split;
        },
      ),
    );
    rows.push(
      await langchain(
        database.url,
        "langchain_tokens",
        "LangChain.js splitter by cl100k tokens (1000 / 100, as ours) + addDocuments",
        async () => {
          const splitter = new RecursiveCharacterTextSplitter({
            chunkSize: 1000,
            chunkOverlap: 100,
            lengthFunction: countTokens,
          });
          return splitter.createDocuments(
            docs.map((d) => d.text),
            docs.map((d) => ({ documentId: d.documentId })),
          );
        },
      ),
    );
    rows.push(
      await langchain(
        database.url,
        "langchain_ours",
        "(reference) LangChain.js addDocuments given our chunks",
        async () =>
          chunks.map(
            (c) =>
              new Document({
                pageContent: c.text,
                metadata: { documentId: c.document_id, partition: c.partition_number },
              }),
          ),
        true,
      ),
    );
    const e0 = performance.now();
    await createOfflineEmbedder().embed(chunks.map((c) => c.text));
    rows.push({
      label: "(shared by both) the offline embedder alone, same texts",
      chunks: chunks.length,
      ms: performance.now() - e0,
      embedCalls: 1,
      embedded: chunks.length,
    });
  } finally {
    await pgDb.close();
    await neonDb.close();
    await dropWhenIdle(database);
  }
  return rows;
}

/** LangChain's store on the same database, HNSW like ours; `prepare` (the splitter) is timed unless `untimed`. */
export async function langchain(
  url: string,
  tableName: string,
  label: string,
  prepare: () => Promise<Document[]>,
  untimed = false,
): Promise<Row> {
  const embeddings = new ProjectEmbeddings(createOfflineEmbedder());
  const pool = new pg.Pool({ connectionString: url, max: 5, application_name: "smb-ingest-langchain" });
  pool.on("error", () => {});
  let store: PGVectorStore | undefined;
  try {
    store = await PGVectorStore.initialize(embeddings, {
      pool,
      tableName,
      dimensions: 384,
      distanceStrategy: "cosine",
    });
    await store.createHnswIndex({
      dimensions: 384,
      m: HNSW_OPTIONS.m,
      efConstruction: HNSW_OPTIONS.efConstruction,
      namespace: tableName,
    });
    const hnsw = await pool.query("select 1 from pg_indexes where tablename = $1 and indexdef like '%USING hnsw%'", [
      tableName,
    ]);
    if (hnsw.rowCount !== 1) throw new Error(`${tableName} has no HNSW index of its own`);
    const before = untimed ? await prepare() : undefined;
    const t0 = performance.now();
    const documents = before ?? (await prepare());
    await store.addDocuments(documents);
    const elapsed = performance.now() - t0;
    const stored = Number((await pool.query(`select count(*) from ${tableName}`)).rows[0].count);
    return { label, chunks: stored, ms: elapsed, embedCalls: embeddings.calls, embedded: documents.length };
  } finally {
    // PGVectorStore holds one client checked out from the pool until end().
    if (store) await store.end();
    else await pool.end();
  }
}

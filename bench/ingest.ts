/**
 * @module
 * ingest: chunks per second for one deterministic corpus through our pipeline (upload → extract → partition →
 * embed → atomic replace) against LangChain.js `PGVectorStore.addDocuments` given the SAME chunks and the SAME
 * embedder; plus our re-ingest of the unchanged corpus, which must make zero embedding calls.
 */

import { PGVectorStore } from "@langchain/community/vectorstores/pgvector";
import { Document } from "@langchain/core/documents";
import pg from "pg";
import { createOfflineEmbedder } from "../lib/ai/index.js";
import { useLocalNeonProxy } from "../lib/db/local-proxy.js";
import { createPoolDb } from "../lib/db/pool.js";
import type { Db } from "../lib/db/types.js";
import { createTestDatabase } from "../test/helpers/database.js";
import { dbConfig } from "../test/helpers/db-handles.js";
import { sizeTag } from "./lib/args.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { type CorpusDocument, corpusBytes, generateCorpus } from "./lib/corpus.js";
import { ProjectEmbeddings } from "./lib/langchain-embeddings.js";
import { benchContext, countingEmbedder, dropWhenIdle, ingestCorpus, migrated } from "./lib/memory-db.js";
import { createPgDb } from "./lib/pg-db.js";
import { ms, num, ratio } from "./lib/stats.js";

const ROUNDS = 3;

type Row = { label: string; chunks: number; ms: number; embedCalls: number; embedded: number };

export const ingest: Bench = {
  name: "ingest",
  summary: "our pipeline vs LangChain PGVectorStore.addDocuments, same chunks and embedder",
  async run(env: BenchEnv) {
    const { args } = env;
    const docs = generateCorpus({ bytes: args.corpusMb * 1_000_000, documents: 20, seed: 99 });
    useLocalNeonProxy(env.proxy);
    const rounds: Row[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      env.log(`round ${round + 1}/${ROUNDS}`);
      rounds.push(await oneRound(docs));
    }
    // Median wall time per pipeline over the rounds (each round on a fresh database).
    const rows = rounds[0]!.map((r, i) => {
      const times = rounds.map((rs) => rs[i]!.ms).sort((a, b) => a - b);
      return { ...r, ms: times[Math.floor(times.length / 2)]! };
    });
    const rate = (r: Row) => (r.chunks / r.ms) * 1000;
    const [first, again, neon, embedOnly, langchain] = rows as [Row, Row, Row, Row, Row];
    const sizes = sizeTag(args, ["corpusMb"]);
    return {
      id: sizes ? `ingest@${sizes}` : "ingest",
      title: `ingest — ${(corpusBytes(docs) / 1e6).toFixed(2)} MB corpus, ${docs.length} documents, ${num(first.chunks)} chunks, offline embedder (384-d)`,
      headline: `chunks/s ours ÷ LangChain: ${ratio(rate(first) / rate(langchain))} (${num(rate(first))} vs ${num(rate(langchain))}); re-ingest of the unchanged corpus: ${again.embedCalls} embedding calls, ${ratio(rate(again) / rate(first))} the first ingest's rate`,
      tables: [
        {
          headers: ["pipeline", "chunks", "wall time", "chunks/s", "embedding calls (texts)", "÷ LangChain"],
          rows: [first, again, neon, langchain, embedOnly].map((r) => [
            r.label,
            num(r.chunks),
            ms(r.ms),
            num(rate(r)),
            `${r.embedCalls} (${num(r.embedded)})`,
            r === embedOnly ? "–" : ratio(rate(r) / rate(langchain)),
          ]),
        },
      ],
      notes: [
        `Median wall time of ${ROUNDS} rounds, each on a fresh database; all pipelines run in every round, same machine, same run. The corpus is generated deterministically (bench/lib/corpus.ts); LangChain gets the exact chunk texts our partitioner produced and the same offline embedder wrapped as a LangChain \`Embeddings\` (bench/lib/langchain-embeddings.ts). Both tables carry an HNSW cosine index maintained on insert.`,
        "Ours does more per chunk than LangChain: it stores the uploaded file, extracts, tokenizes and partitions (~1000 tokens, 100 overlap), hashes each chunk, caches embeddings by content hash, maintains GIN indexes on tags and full text, and replaces each document's chunks in one transaction. LangChain's time is embedding + multi-row INSERTs only (`chunkSize` 500).",
        "Documents are uploaded one after another; their pipeline runs overlap in the background (`waitUntil`), as they do in the service. Wall time is from the first upload to the last run finished.",
        "Re-ingest: every chunk's content hash is already in `memory_embeddings`, so no text reaches the embedder; the chunks are still re-written atomically.",
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
    await ours("ours, plain pg (same wire as LangChain)", pgDb, "bench");
    await ours("ours, re-ingest of the unchanged corpus, plain pg", pgDb, "bench");
    await ours("ours, Neon Pool via the local proxy (the Node service's path)", neonDb, "bench-neon");

    // The very chunks our partitioner produced, in order, for LangChain.
    const chunks = await pgDb.query<{ text: string; document_id: string; partition_number: number }>(
      "select text, document_id, partition_number from memory_chunks where index_name = 'bench' order by document_id, partition_number",
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
    const embeddings = new ProjectEmbeddings(createOfflineEmbedder());
    const pool = new pg.Pool({ connectionString: database.url, max: 5, application_name: "smb-ingest-langchain" });
    pool.on("error", () => {});
    let store: PGVectorStore | undefined;
    try {
      store = await PGVectorStore.initialize(embeddings, {
        pool,
        tableName: "langchain_chunks",
        dimensions: 384,
        distanceStrategy: "cosine",
      });
      // Same index as ours: an HNSW cosine expression index maintained on insert.
      await store.createHnswIndex({ dimensions: 384 });
      const documents = chunks.map(
        (c) =>
          new Document({ pageContent: c.text, metadata: { documentId: c.document_id, partition: c.partition_number } }),
      );
      const t0 = performance.now();
      await store.addDocuments(documents);
      const elapsed = performance.now() - t0;
      const stored = Number((await pool.query("select count(*) from langchain_chunks")).rows[0].count);
      rows.push({
        label: "LangChain.js PGVectorStore.addDocuments (pre-chunked)",
        chunks: stored,
        ms: elapsed,
        embedCalls: embeddings.calls,
        embedded: documents.length,
      });
    } finally {
      // PGVectorStore holds one client checked out from the pool until end().
      if (store) await store.end();
      else await pool.end();
    }
  } finally {
    await pgDb.close();
    await neonDb.close();
    await dropWhenIdle(database);
  }
  return rows;
}

/**
 * A query whose known words are all very common and whose other words the index never saw: the text leg can add
 * little to any chunk (the ceiling is mostly the unseen words), so almost every chunk of the common word could reach
 * the K-th best on its cosine alone, and the text leg used to read all of them and most of their vectors. The search
 * walks the vector index deeper instead (`reach` in hybrid-search.ts) until no chunk it did not return can reach the
 * K-th best. Checked here on ~10k chunks of the benchmarks' Zipf corpus, whose most frequent words are in most
 * chunks: the walk runs, the text leg then reads a fraction of the common word's postings, and the results are still
 * exactly the unbounded reference plan's (which walks the same way and scores every chunk holding a query term).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../../bench/lib/corpus.js";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import type { MemoryContext } from "../../../lib/memory/types.js";
import { DEFAULT_RANKING, searchChunks } from "../../../lib/store/chunk-search.js";
import type { Ranking } from "../../../lib/store/hybrid-search.js";
import { text } from "../../helpers/memory.js";
import { useMemoryStack } from "../../helpers/memory-stack.js";
import { analyzed, cteRows, planNodes, recording } from "../../helpers/statement-plan.js";

const CHUNKS = 10_000;
const CHUNK_TOKENS = 100;
const DOCUMENTS = 25;

let ctx: MemoryContext;
const stack = useMemoryStack("smdeeper", { DB_APPLICATION_NAME: "smt-hybrid-deeper" });
/** The corpus's most frequent lexemes, with the chunks each is in. */
let common: Array<{ lexeme: string; chunks: number }> = [];

beforeAll(async () => {
  ({ ctx } = stack);
  // ~1.9 bytes per token of this corpus (as bench/hybrid-scale.ts sizes it).
  const docs = generateCorpus({ bytes: CHUNKS * CHUNK_TOKENS * 1.9, documents: DOCUMENTS, seed: 11 });
  for (const doc of docs)
    await uploadDocument(ctx, {
      index: "zipf",
      documentId: doc.documentId,
      files: [text(`${doc.documentId}.txt`, doc.text)],
      tags: {},
      steps: [],
      args: {
        custom_partitioning_max_tokens_per_paragraph_int: CHUNK_TOKENS,
        custom_partitioning_overlapping_tokens_int: 10,
      },
    });
  await stack.settle();
  common = await ctx.db.query<{ lexeme: string; chunks: number }>(
    "select lexeme, chunks from memory_terms where index_name = 'zipf' order by chunks desc, lexeme limit 3",
  );
}, 600_000);

const UNSEEN = ["qzvorpex", "wuxtrabel", "plonkvier", "zyrmaquent", "vexdrulo"];

async function search(query: string, ranking: Ranking, exhaustive: boolean, filters: Record<string, string[]>[] = []) {
  const [vector] = await ctx.embedder.embed([query]);
  const { db, last } = recording(ctx.db);
  const hits = await searchChunks(db, {
    index: "zipf",
    vector: vector!,
    dimensions: ctx.embedder.dimensions,
    text: query,
    mode: "hybrid",
    ranking,
    filters,
    minRelevance: 0,
    limit: 10,
    efSearch: 100,
    exhaustive,
  });
  return { hits: hits.map((h) => `${h.document_id}#${h.partition_number} ${h.relevance.toFixed(12)}`), sql: last()! };
}

describe("a common word among words the index never saw", () => {
  it("the corpus is the case: its most frequent words are in most chunks", async () => {
    const [{ chunks }] = (await ctx.db.query<{ chunks: number }>(
      "select count(*)::int as chunks from memory_chunks",
    )) as [{ chunks: number }];
    expect(chunks).toBeGreaterThan(CHUNKS * 0.9);
    expect(common[0]!.chunks).toBeGreaterThan(chunks / 2);
  });

  for (const [name, ranking] of [
    ["the default ranking", DEFAULT_RANKING],
    ["the semantic embedders' text weight (0.5)", { ...DEFAULT_RANKING, textWeight: 0.5 }],
  ] as const) {
    it(`walks the vector index deeper, reads a fraction of the common word's postings, and returns the reference's results (${name})`, async () => {
      let walked = 0;
      let asked = 0;
      for (const [i, word] of common.entries()) {
        const [a, b, c] = [UNSEEN[i]!, UNSEEN[i + 1]!, UNSEEN[i + 2]!];
        for (const query of [`${a} ${word.lexeme} ${b}`, `${a} ${b} ${word.lexeme} ${c}`]) {
          asked++;
          const fast = await search(query, ranking, false);
          const reference = await search(query, ranking, true);
          expect(fast.hits, query).toEqual(reference.hits);
          expect(fast.hits, query).toHaveLength(10);
          const plan = await analyzed(ctx.db, fast.sql);
          const deeper = cteRows(plan).get("deeper") ?? 0;
          if (deeper === 0) continue;
          walked++;
          // Walked past the candidates, and then the full-text index gave the text leg a fraction of the postings.
          expect(deeper, query).toBeGreaterThan(40);
          const read = planNodes(plan)
            .filter((n) => n["Node Type"] === "Bitmap Heap Scan")
            .reduce((sum, n) => sum + Number(n["Actual Rows"]), 0);
          expect(read, query).toBeLessThan(word.chunks / 5);
        }
      }
      // The case is the walk's: it ran for at least half of these queries.
      expect(walked).toBeGreaterThanOrEqual(asked / 2);
    });
  }

  it("under a tag filter (a walk's cost grows with its selectivity) it does not walk deeper either", async () => {
    const documents = await ctx.db.query<{ id: string }>("select document_id as id from memory_documents");
    const everyDocument = [{ __document_id: documents.map((d) => d.id) }];
    const query = `${UNSEEN[0]} ${common[0]!.lexeme} ${UNSEEN[1]}`;
    const fast = await search(query, DEFAULT_RANKING, false, everyDocument);
    expect(cteRows(await analyzed(ctx.db, fast.sql)).get("deeper") ?? 0).toBe(0);
    expect(fast.hits).toEqual((await search(query, DEFAULT_RANKING, true, everyDocument)).hits);
    // The same query unfiltered does (it is one of the cases above).
    expect(
      cteRows(await analyzed(ctx.db, (await search(query, DEFAULT_RANKING, false)).sql)).get("deeper"),
    ).toBeGreaterThan(40);
  });

  it("a query of the index's own common words (nothing unseen) does not walk deeper", async () => {
    const query = common.map((c) => c.lexeme).join(" ");
    const fast = await search(query, DEFAULT_RANKING, false);
    expect(cteRows(await analyzed(ctx.db, fast.sql)).get("deeper") ?? 0).toBe(0);
    expect(fast.hits).toEqual((await search(query, DEFAULT_RANKING, true)).hits);
  });
});

/**
 * The hybrid and text legs return exactly what the unbounded reference plan returns (every chunk holding a query
 * term read and scored; `exhaustive` in hybrid-search.ts): the same chunks, the same order, the same relevance,
 * on a real collection (Cranfield, read in place from ../shared/data) — the bounds and the pruning only save work.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCranfield, sharedDataDir } from "../../../bench/lib/collections.js";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import type { MemoryContext } from "../../../lib/memory/types.js";
import { DEFAULT_RANKING, type SearchMode, searchChunks } from "../../../lib/store/chunk-search.js";
import { text } from "../../helpers/memory.js";
import { useMemoryStack } from "../../helpers/memory-stack.js";
import { analyzed, planNodes, recording } from "../../helpers/statement-plan.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
/** Abstracts per uploaded document (a few jobs, not 1,400), each abstract a paragraph of its own. */
const PER_DOCUMENT = 100;
const QUERIES = 25;

let ctx: MemoryContext;
let queries: string[] = [];
const stack = useMemoryStack("smexact", { DB_APPLICATION_NAME: "smt-hybrid-exact" });

beforeAll(async () => {
  const data = sharedDataDir(ROOT);
  if (!data.present) throw new Error(`the shared test collections are missing: expected them in ${data.dir}`);
  const cranfield = await loadCranfield(`${data.dir}/cranfield`);
  queries = cranfield.queries.slice(0, QUERIES).map((q) => q.text);
  ({ ctx } = stack);
  for (let i = 0; i < cranfield.docs.length; i += PER_DOCUMENT) {
    const body = cranfield.docs
      .slice(i, i + PER_DOCUMENT)
      // Half the abstracts under their title as a Markdown heading: those chunks carry it as their header (weighted
      // in BM25, and where a query term is in it the text leg scores the chunk the general way).
      .map((d, j) => (j % 2 ? `# ${d.title}\n\n${d.body}` : `${d.title}. ${d.body}`))
      .join("\n\n");
    await uploadDocument(ctx, {
      index: "cranfield",
      documentId: `part${i}`,
      files: [text("abstracts.md", body)],
      tags: {},
      steps: [],
      args: { custom_partitioning_max_tokens_per_paragraph_int: 120, custom_partitioning_overlapping_tokens_int: 0 },
    });
  }
  await stack.settle();
});

/**
 * Queries of two or three of the collection's most frequent lexemes: every term common, so the text leg reads only
 * the chunks of term sets that can pass θ and, among those, scores only the chunks whose own bound (their held
 * positions) reaches it — the queries where most chunks found are skipped unscored.
 */
async function commonQueries(): Promise<string[]> {
  const terms = await ctx.db.query<{ lexeme: string }>(
    "select lexeme from memory_terms where index_name = 'cranfield' order by chunks desc, lexeme limit 24",
  );
  const words = terms.map((t) => t.lexeme);
  return Array.from({ length: 12 }, (_, i) =>
    [words[i]!, words[(i * 7 + 3) % words.length]!, ...(i % 2 ? [words[(i * 5 + 11) % words.length]!] : [])].join(" "),
  );
}

/** One search of the Cranfield index, as `compare` and the seed checks run it. */
function cranfieldQuery(
  query: string,
  vector: number[],
  mode: SearchMode,
  ranking: typeof DEFAULT_RANKING,
  limit: number,
  exhaustive = false,
) {
  return {
    index: "cranfield",
    vector,
    dimensions: ctx.embedder.dimensions,
    text: query,
    mode,
    ranking,
    filters: [],
    minRelevance: 0,
    limit,
    efSearch: 100,
    exhaustive,
  };
}

async function compare(mode: SearchMode, ranking = DEFAULT_RANKING, limit = 10, asked = queries) {
  const vectors = await ctx.embedder.embed(asked);
  let compared = 0;
  for (const [i, query] of asked.entries()) {
    const run = (exhaustive: boolean) =>
      searchChunks(ctx.db, cranfieldQuery(query, vectors[i]!, mode, ranking, limit, exhaustive));
    const shape = (hits: Awaited<ReturnType<typeof run>>) =>
      hits.map((h) => `${h.document_id}#${h.partition_number} ${h.relevance.toFixed(12)}`);
    const [fast, reference] = [await run(false), await run(true)];
    expect(shape(fast), query).toEqual(shape(reference));
    compared += fast.length;
  }
  // Not vacuous: most queries found a full page.
  expect(compared).toBeGreaterThan(asked.length * limit * 0.9);
}

describe("exact against the unbounded reference plan, on Cranfield", () => {
  it("hybrid (the default ranking, expansion on)", () => compare("hybrid"));
  it("hybrid without expansion, a small postings budget (most terms common)", () =>
    compare("hybrid", { ...DEFAULT_RANKING, feedbackDocs: 0, postingsBudget: 20 }));
  it("hybrid at the semantic embedders' text weight (0.5): the cosine decides more of the order", () =>
    compare("hybrid", { ...DEFAULT_RANKING, textWeight: 0.5, postingsBudget: 20 }));
  it("hybrid with a gated expansion (the first pass's best chunk decides whether RM3 runs)", () =>
    compare("hybrid", { ...DEFAULT_RANKING, expansionGate: 0.3, postingsBudget: 20 }));
  it("text mode", () => compare("text", { ...DEFAULT_RANKING, postingsBudget: 20 }, 20));
  it("text mode and hybrid on queries of common terms only (the per-chunk bound decides which chunks are scored)", async () => {
    const common = await commonQueries();
    await compare("text", { ...DEFAULT_RANKING, postingsBudget: 20 }, 10, common);
    await compare("hybrid", { ...DEFAULT_RANKING, postingsBudget: 20 }, 10, common);
  });
});

describe("the seeds, read once", () => {
  /** Rows each seeding scan of memory_chunks returned (by the tsquery it tests), for one search's statement. */
  async function seedScans(query: string, ranking = DEFAULT_RANKING) {
    const { db, last } = recording(ctx.db);
    const [vector] = await ctx.embedder.embed([query]);
    await searchChunks(db, cranfieldQuery(query, vector!, "hybrid", ranking, 10));
    const scans = planNodes(await analyzed(ctx.db, last()!)).filter((n) => n["Node Type"] === "Bitmap Heap Scan");
    const rows = (operand: string) => {
      const scan = scans.find((n) => String(n["Recheck Cond"]).includes(`.${operand})`));
      // Both scans are in every plan (run or not): a plan without one would make its count meaningless.
      expect(scan, `${query}: the scan of plan.${operand}`).toBeDefined();
      return Number(scan!["Actual Rows"]) * Number(scan!["Actual Loops"]);
    };
    return { rare: rows("rare"), every: rows("every") };
  }

  it("draws no sample of chunks holding every term beside the rare terms' chunks (they hold the rare terms)", async () => {
    let seeded = 0;
    for (const query of queries) {
      const { rare, every } = await seedScans(query);
      expect(every, query).toBe(0);
      seeded += rare;
    }
    // Not vacuous: the rare terms' chunks were read.
    expect(seeded).toBeGreaterThan(queries.length);
  });

  it("draws it when no term is rare enough to seed", async () => {
    let sampled = 0;
    for (const query of await commonQueries()) {
      const { rare, every } = await seedScans(query, { ...DEFAULT_RANKING, postingsBudget: 20 });
      expect(rare, query).toBe(0);
      sampled += every;
    }
    expect(sampled).toBeGreaterThan(0);
  });
});

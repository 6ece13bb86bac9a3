/**
 * The text leg's promises against the real PostgreSQL: it is complete (a query of common terms finds what an
 * unbounded BM25 finds, whatever the postings budget), a query the index holds none of scores low, and query
 * expansion (text and vector legs) only reorders chunks that hold the query's own terms — it never invents a match.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { defaultTextWeight } from "../../../lib/memory/ranking-args.js";
import { searchMemory } from "../../../lib/memory/search.js";
import type { MemoryContext, SearchResult } from "../../../lib/memory/types.js";
import { DEFAULT_RANKING, searchChunks } from "../../../lib/store/chunk-search.js";
import { text } from "../../helpers/memory.js";
import { useMemoryStack } from "../../helpers/memory-stack.js";

let ctx: MemoryContext;
let settle: () => Promise<void>;

const stack = useMemoryStack("smexpand", {
  DB_APPLICATION_NAME: "smt-expansion",
});

beforeAll(() => {
  ({ ctx, settle } = stack);
});

async function ingestAll(index: string, docs: ReadonlyArray<[string, string]>) {
  for (const [documentId, body] of docs) {
    await uploadDocument(ctx, { index, documentId, files: [text("notes.txt", body)], tags: {}, steps: [] });
  }
  await settle();
}

const search = (index: string, query: string, extra: Partial<Parameters<typeof searchMemory>[1]> = {}) =>
  searchMemory(ctx, { index, query, filters: [], minRelevance: 0, limit: 20, ...extra });
const relevanceOf = (r: SearchResult, id: string) =>
  r.results.find((c) => c.documentId === id)?.partitions[0]?.relevance ?? 0;
const ids = (r: SearchResult) => r.results.map((c) => c.documentId);

describe("a complete text leg", () => {
  // "sensor" and "calibration" are each in most documents and never together: no chunk holds ALL query terms.
  const DOCS: Array<[string, string]> = Array.from({ length: 14 }, (_, i) => [
    `d${String(i).padStart(2, "0")}`,
    `${i % 2 ? "sensor" : "calibration"} report ${i}: ${"routine notes ".repeat(i + 1)}`,
  ]);
  beforeAll(() => ingestAll("common", DOCS));

  it("text mode returns `limit` results when that many chunks match any term, exactly the unbounded BM25 top", async () => {
    const [vector] = await ctx.embedder.embed(["sensor calibration"]);
    const run = (postingsBudget: number) =>
      searchChunks(ctx.db, {
        index: "common",
        vector: vector!,
        dimensions: ctx.embedder.dimensions,
        text: "sensor calibration",
        mode: "text",
        ranking: { ...DEFAULT_RANKING, postingsBudget, feedbackDocs: 0 },
        filters: [],
        minRelevance: 0,
        limit: 5,
        efSearch: 40,
      });
    // A budget of 1 posting makes both terms "common" (the bound that used to keep only chunks holding all of them).
    const bounded = await run(1);
    const unbounded = await run(1e9);
    expect(bounded).toHaveLength(5);
    expect(bounded.map((h) => [h.document_id, h.relevance])).toEqual(
      unbounded.map((h) => [h.document_id, h.relevance]),
    );
    // BM25 prefers the shorter documents: the top five are the five shortest.
    expect(bounded.map((h) => h.document_id)).toEqual(["d00", "d01", "d02", "d03", "d04"]);
  });

  it("through the API, text mode finds chunks holding any of the query's terms", async () => {
    const r = await search("common", "sensor calibration", { limit: 14, args: { search_mode: "text" } });
    expect(ids(r).sort()).toEqual(DOCS.map(([id]) => id).sort());
  });
});

describe("relevance over the whole query", () => {
  it("a query the index holds no word of scores its cosine share only, with or without expansion", async () => {
    const on = await search("common", "xyzzy quux frobnicate");
    const off = await search("common", "xyzzy quux frobnicate", { args: { query_expansion: false } });
    const cosine = await search("common", "xyzzy quux frobnicate", { args: { search_mode: "vector" } });
    const share = 1 - defaultTextWeight(ctx.embedder);
    expect(on.results.length).toBeGreaterThan(0);
    for (const c of on.results) {
      const cos = Math.max(relevanceOf(cosine, c.documentId), 0);
      expect(c.partitions[0]!.relevance).toBeCloseTo(share * cos, 6);
      expect(c.partitions[0]!.relevance).toBeCloseTo(relevanceOf(off, c.documentId), 6);
    }
  });

  it("a query half of whose words the index lacks scores below the same match of a query it fully holds", async () => {
    const known = await search("common", "sensor", { args: { search_mode: "text" } });
    const half = await search("common", "sensor zyxwvut", { args: { search_mode: "text" } });
    expect(ids(half)).toEqual(ids(known));
    expect(relevanceOf(half, ids(known)[0]!)).toBeLessThan(relevanceOf(known, ids(known)[0]!) * 0.75);
  });
});

describe("query expansion (pseudo-relevance feedback)", () => {
  const PRF: Array<[string, string]> = [
    ["flutter", "Flutter of wing panels: flutter onset, vibration amplitude and vibration damping of the panel."],
    ["panel", "Panel flutter was observed; vibration damping of the wing panel in the tunnel reduced it."],
    ["bird", "A small bird will flutter its feathers in the garden, near the pond, when the morning is cold."],
    ["vibration", "Vibration damping measured on a wing panel in the tunnel."],
  ];
  beforeAll(() => ingestAll("prf", PRF));

  it("reorders the chunks holding the query's terms by the best chunk's vocabulary", async () => {
    const on = await search("prf", "flutter onset", { args: { search_mode: "text" } });
    const off = await search("prf", "flutter onset", { args: { search_mode: "text", query_expansion: false } });
    expect(ids(on)[0]).toBe("flutter");
    expect(ids(off)[0]).toBe("flutter");
    // Both hold "flutter" once; the expanded query (vibration, damping, panel, wing) lifts the aeronautical one.
    expect(relevanceOf(on, "panel") - relevanceOf(on, "bird")).toBeGreaterThan(
      relevanceOf(off, "panel") - relevanceOf(off, "bird"),
    );
    expect(ids(on).indexOf("panel")).toBeLessThan(ids(on).indexOf("bird"));
  });

  it("never invents a match: a chunk holding no query term is never raised above its first-pass relevance", async () => {
    const on = await search("prf", "flutter onset");
    const off = await search("prf", "flutter onset", { args: { query_expansion: "false" } });
    // It keeps its first-pass score; the one factor that keeps the list within the best first-pass relevance
    // (≤ 1) is all that may lower it.
    expect(relevanceOf(off, "vibration")).toBeGreaterThan(0);
    expect(relevanceOf(on, "vibration")).toBeGreaterThan(0);
    expect(relevanceOf(on, "vibration")).toBeLessThanOrEqual(relevanceOf(off, "vibration") * (1 + 1e-9));
    expect(Math.max(...on.results.map((r) => r.partitions[0]!.relevance))).toBeLessThanOrEqual(
      Math.max(...off.results.map((r) => r.partitions[0]!.relevance)) * (1 + 1e-9),
    );
    const text = await search("prf", "onset", { args: { search_mode: "text" } });
    expect(ids(text)).toEqual(["flutter"]);
  });

  it("feeds the vector leg back too: with no text share, matches are reordered toward the feedback chunks' mean", async () => {
    // text_weight 0: relevance is the cosine alone, so only the vector leg's feedback can move it (BM25 and the
    // expanded query weigh nothing). Both candidates hold "flutter"; the feedback chunks (the first pass's best) are
    // mostly about wing panels, so their mean vector is closer to the aeronautical one than to the bird.
    const args = { text_weight: 0 };
    const on = await search("prf", "flutter", { args });
    const off = await search("prf", "flutter", { args: { ...args, query_expansion: false } });
    const gap = (r: SearchResult) => relevanceOf(r, "panel") / relevanceOf(r, "bird");
    expect(relevanceOf(off, "bird")).toBeGreaterThan(0);
    expect(gap(on)).toBeGreaterThan(gap(off) * 1.05);
    // The original query keeps its share: at feedback_original_weight 1 the vector leg is the first pass's.
    const kept = await search("prf", "flutter", { args: { ...args, feedback_original_weight: 1 } });
    expect(gap(kept)).toBeCloseTo(gap(off), 6);
  });

  it("refuses a bad ranking argument with a validation error", async () => {
    await expect(search("prf", "flutter", { args: { text_weight: 2 } })).rejects.toThrow(/text_weight/);
    await expect(search("prf", "flutter", { args: { search_mode: "fuzzy" } })).rejects.toThrow(/search_mode/);
  });
});

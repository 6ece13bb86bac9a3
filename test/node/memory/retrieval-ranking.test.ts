/**
 * Ranking against the real PostgreSQL: results in the order of the relevance they show, minRelevance on that
 * relevance, English stemming by default and `simple` per index, term statistics kept exact by the triggers
 * through uploads, re-uploads and deletes, and contextual chunk headers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../../lib/errors.js";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { searchMemory } from "../../../lib/memory/search.js";
import { getUploadStatus } from "../../../lib/memory/status.js";
import type { MemoryContext, SearchResult } from "../../../lib/memory/types.js";
import { deleteDocumentById } from "../../../lib/store/document-delete.js";
import { deleteIndexNamed } from "../../../lib/store/memory-store.js";
import { text } from "../../helpers/memory.js";
import { useMemoryStack } from "../../helpers/memory-stack.js";

let ctx: MemoryContext;
let settle: () => Promise<void>;

const stack = useMemoryStack("smrank", {
  DB_APPLICATION_NAME: "smt-ranking",
});

beforeAll(() => {
  ({ ctx, settle } = stack);
});

async function ingest(index: string, documentId: string, body: string, opts: { name?: string; args?: object } = {}) {
  await uploadDocument(ctx, {
    index,
    documentId,
    files: [text(opts.name ?? "notes.txt", body)],
    tags: {},
    steps: [],
    ...(opts.args ? { args: opts.args as Record<string, unknown> } : {}),
  });
  await settle();
  expect((await getUploadStatus(ctx, index, documentId))?.completed).toBe(true);
}

const search = (index: string, query: string, extra: Partial<Parameters<typeof searchMemory>[1]> = {}) =>
  searchMemory(ctx, { index, query, filters: [], minRelevance: 0, limit: 20, ...extra });

const flat = (r: SearchResult) => r.results.flatMap((c) => c.partitions.map((p) => p.relevance));

const CORPUS: Array<[string, string]> = [
  ["wing", "Vibrations of a swept wing at transonic speed were measured in the wind tunnel."],
  ["plate", "Heat transfer to a flat plate in hypersonic flow, with boundary layer theory."],
  ["shell", "Buckling of thin cylindrical shells under axial compression and internal pressure."],
  ["panel", "Flutter of panels: the vibration of a panel in supersonic flow and its damping."],
  ["nozzle", "Flow in a conical nozzle: the boundary layer thickness and the pressure distribution."],
  ["cone", "Pressure on a cone at hypersonic speed; the shock layer and its thickness."],
];

describe("ordering and relevance", () => {
  beforeAll(async () => {
    for (const [id, body] of CORPUS) await ingest("aero", id, body);
  });

  it("orders results by the relevance it returns, in every mode", async () => {
    const queries = ["vibration of a panel", "hypersonic boundary layer thickness", "pressure", "wind tunnel wing"];
    for (const mode of ["hybrid", "vector", "text"] as const) {
      for (const query of queries) {
        const result = await search("aero", query, { args: { search_mode: mode } });
        expect(result.results.length, `${mode}: ${query}`).toBeGreaterThan(0);
        // Citations (one per file) come in the order of their best partition, partitions best first.
        const best = result.results.map((c) => c.partitions[0]!.relevance);
        expect(best).toEqual([...best].sort((a, b) => b - a));
        for (const c of result.results) {
          const rs = c.partitions.map((p) => p.relevance);
          expect(rs).toEqual([...rs].sort((a, b) => b - a));
        }
        for (const r of flat(result)) expect(r).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("minRelevance keeps exactly the results whose shown relevance reaches it", async () => {
    for (const mode of ["hybrid", "vector", "text"] as const) {
      const all = flat(await search("aero", "boundary layer thickness", { args: { search_mode: mode } })).sort(
        (a, b) => b - a,
      );
      expect(all.length).toBeGreaterThan(2);
      const threshold = (all[1]! + all[2]!) / 2;
      const kept = flat(
        await search("aero", "boundary layer thickness", { minRelevance: threshold, args: { search_mode: mode } }),
      );
      expect(kept.length).toBe(all.filter((r) => r >= threshold).length);
      for (const r of kept) expect(r).toBeGreaterThanOrEqual(threshold);
    }
  });

  it("hybrid puts the document matching every query term first even when the vectors disagree", async () => {
    const top = (await search("aero", "flutter damping of panels")).results[0];
    expect(top?.documentId).toBe("panel");
  });
});

describe("language per index", () => {
  it("stems English by default: 'vibration' finds 'Vibrations', and stop words match nothing", async () => {
    const hits = await search("aero", "vibration", { args: { search_mode: "text" } });
    expect(hits.results.map((c) => c.documentId).sort()).toEqual(["panel", "wing"]);
    expect((await search("aero", "the of a and", { args: { search_mode: "text" } })).results).toEqual([]);
  });

  it("an index created with text_search_config 'simple' matches words as written", async () => {
    await ingest("plain", "wing", CORPUS[0]![1], { args: { text_search_config: "simple" } });
    await ingest("plain", "panel", CORPUS[3]![1]);
    const hits = await search("plain", "vibration", { args: { search_mode: "text" } });
    expect(hits.results.map((c) => c.documentId)).toEqual(["panel"]);
    const [row] = await ctx.db.query<{ config: string }>(
      "select text_config::text as config from memory_indexes where name = 'plain'",
    );
    expect(row?.config).toBe("simple");
  });

  it("refuses unknown configurations, non-names, and changing an existing index's configuration", async () => {
    const upload = (index: string, config: unknown) =>
      uploadDocument(ctx, {
        index,
        documentId: "x",
        files: [text("a.txt", "hello")],
        tags: {},
        steps: [],
        args: { text_search_config: config },
      });
    await expect(upload("lang-a", "klingon")).rejects.toThrow(ValidationError);
    await expect(upload("lang-a", "english'; drop table memory_chunks; --")).rejects.toThrow(ValidationError);
    await expect(upload("lang-a", 42)).rejects.toThrow(ValidationError);
    await expect(upload("plain", "english")).rejects.toThrow(/fixed when the index is created/);
    const [row] = await ctx.db.query<{ n: number }>(
      "select count(*)::int as n from memory_indexes where name = 'lang-a'",
    );
    expect(row?.n).toBe(0);
  });
});

describe("term statistics", () => {
  const recount = async (index: string) => {
    const kept = await ctx.db.query<{ lexeme: string; chunks: number }>(
      "select lexeme, chunks from memory_terms where index_name = $1 order by lexeme",
      [index],
    );
    const counted = await ctx.db.query<{ lexeme: string; chunks: number }>(
      `select l as lexeme, count(*)::int as chunks from memory_chunks c, unnest(tsvector_to_array(c.fts)) l
        where c.index_name = $1 group by l order by l`,
      [index],
    );
    const [stats] = await ctx.db.query<{ kept: string | null; chunks: string; lexemes: string | null }>(
      `select (select chunks::text from memory_text_stats where index_name = $1) as kept,
              count(*)::text as chunks, sum(fts_length)::text as lexemes from memory_chunks where index_name = $1`,
      [index],
    );
    return { kept, counted, stats };
  };

  it("stay equal to a recount through uploads, re-uploads, deletes and an index delete", async () => {
    for (const [id, body] of CORPUS) await ingest("stats", id, body);
    let r = await recount("stats");
    expect(r.kept).toEqual(r.counted);
    expect(r.stats?.kept).toBe(r.stats?.chunks);
    await ingest("stats", "wing", "A completely different text about rotor blades and helicopters.");
    await deleteDocumentById(ctx.db, "stats", "shell");
    await settle();
    r = await recount("stats");
    expect(r.kept).toEqual(r.counted);
    expect(r.kept.find((t) => t.lexeme === "buckl")).toBeUndefined();
    expect(r.kept.find((t) => t.lexeme === "helicopt")?.chunks).toBe(1);
    await deleteIndexNamed(ctx.db, "stats");
    await settle();
    r = await recount("stats");
    expect(r.kept).toEqual([]);
    expect(r.stats?.kept).toBeNull();
  });
});

describe("full-text index upkeep", () => {
  it("keeps the GIN pending list capped, so searches never depend on (auto)vacuum to flush it", async () => {
    const [row] = await ctx.db.query<{ options: string[] }>(
      "select reloptions as options from pg_class where relname = 'memory_chunks_fts'",
    );
    expect(row?.options).toEqual(expect.arrayContaining(["fastupdate=on", "gin_pending_list_limit=256"]));
  });
});

describe("contextual chunk headers", () => {
  it("finds a passage by its document's title, and returns the passage without the header", async () => {
    await ingest("ctx", "guide", "# Deploy schedule\n\nReleases go out on Tuesdays after review.", {
      name: "guide.md",
    });
    await ingest("ctx", "other", "Lunch is served at noon in the cafeteria.", { name: "release-calendar.txt" });
    // The second chunk-worthy fact: the file name is the header when there is no title.
    const byName = await search("ctx", "calendar", { args: { search_mode: "text" } });
    expect(byName.results.map((c) => c.documentId)).toEqual(["other"]);
    expect(byName.results[0]!.partitions[0]!.text).toBe("Lunch is served at noon in the cafeteria.");
    const [row] = await ctx.db.query<{ context: string }>(
      "select context from memory_chunks where index_name = 'ctx' and document_id = 'guide'",
    );
    expect(row?.context).toBe("Deploy schedule");
  });
});

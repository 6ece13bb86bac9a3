/**
 * The memory service's verbs against the real PostgreSQL: ingestion, status,
 * content-hash reuse of embeddings, atomic replace, filters and hybrid search.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { listDocuments } from "../../../lib/memory/documents.js";
import { searchMemory } from "../../../lib/memory/search.js";
import { getUploadStatus } from "../../../lib/memory/status.js";
import { DEFAULT_STEPS, type MemoryContext } from "../../../lib/memory/types.js";
import { deleteDocumentById } from "../../../lib/store/document-delete.js";
import { deleteIndexNamed, listIndexNames } from "../../../lib/store/memory-store.js";
import { type CountingEmbedder, text } from "../../helpers/memory.js";
import { useMemoryStack } from "../../helpers/memory-stack.js";

let ctx: MemoryContext;
let embedder: CountingEmbedder;
let settle: () => Promise<void>;

const paragraphs = (n: number, seed: string) =>
  Array.from(
    { length: n },
    (_, i) => `Paragraph ${i} about ${seed}. ${"The quick brown fox jumps over the lazy dog. ".repeat(40)}`,
  ).join("\n\n");

const stack = useMemoryStack("smmem", {
  DB_APPLICATION_NAME: "smt-memory",
});

beforeAll(() => {
  ({ ctx, embedder, settle } = stack);
});

async function ingest(index: string, documentId: string, body: string, tags: Record<string, string[]> = {}) {
  await uploadDocument(ctx, { index, documentId, files: [text("notes.txt", body)], tags, steps: [...DEFAULT_STEPS] });
  await settle();
  return getUploadStatus(ctx, index, documentId);
}

const search = (index: string, query: string, extra: Partial<Parameters<typeof searchMemory>[1]> = {}) =>
  searchMemory(ctx, { index, query, filters: [], minRelevance: 0, limit: 10, ...extra });

describe("ingestion", () => {
  it("runs every step, reports KM's status shape, and makes the text searchable", async () => {
    const status = await ingest("docs", "doc-1", "Pelicans nest on the Farallon islands every spring.", {
      user: ["alice"],
    });
    expect(status).toMatchObject({
      completed: true,
      failed: false,
      empty: false,
      index: "docs",
      document_id: "doc-1",
      tags: { user: ["alice"] },
      steps: [...DEFAULT_STEPS],
      remaining_steps: [],
      completed_steps: [...DEFAULT_STEPS],
    });
    const result = await search("docs", "where do pelicans nest");
    expect(result.noResult).toBe(false);
    const [citation] = result.results;
    expect(citation).toMatchObject({
      index: "docs",
      documentId: "doc-1",
      fileId: "notes.txt",
      sourceName: "notes.txt",
      sourceContentType: "text/plain",
      link: "docs/doc-1/notes.txt",
    });
    expect(citation!.partitions[0]!.text).toContain("Farallon");
    expect(citation!.partitions[0]!.tags).toMatchObject({ user: ["alice"], __document_id: ["doc-1"] });
    expect(await listIndexNames(ctx.db)).toContain("docs");
  });

  it("re-uploading an unchanged document makes zero embedding calls; an edit embeds only changed chunks", async () => {
    const body = paragraphs(6, "herons");
    await ingest("reuse", "big", body);
    const [{ n: chunkCount }] = (await ctx.db.query(
      "select count(*)::int as n from memory_chunks where document_id = 'big'",
    )) as [{ n: number }];
    expect(chunkCount).toBeGreaterThan(2);

    const before = { calls: embedder.calls, texts: embedder.texts };
    await ingest("reuse", "big", body);
    expect(embedder.calls - before.calls).toBe(0);

    const edited = `${body}\n\nA brand new closing paragraph about kingfishers diving for fish.`;
    const mid = { calls: embedder.calls, texts: embedder.texts };
    const status = await ingest("reuse", "big", edited);
    expect(status.completed).toBe(true);
    expect(embedder.calls - mid.calls).toBe(1);
    expect(embedder.texts - mid.texts).toBeGreaterThan(0);
    expect(embedder.texts - mid.texts).toBeLessThan(chunkCount);
    const kingfisher = await search("reuse", "kingfishers diving");
    expect(kingfisher.results[0]!.partitions[0]!.text).toContain("kingfishers");
  });

  it("replaces chunks atomically: a concurrent reader never sees zero or duplicated chunks", async () => {
    const v1 = paragraphs(5, "version one");
    const v2 = paragraphs(5, "version two");
    await ingest("atomic", "doc", v1);
    const count = async () =>
      (
        (await ctx.db.query(
          "select count(*)::int as n, count(distinct partition_number)::int as d from memory_chunks where index_name = 'atomic'",
        )) as [{ n: number; d: number }]
      )[0];
    const expected = (await count()).n;
    let reading = true;
    const seen: Array<{ n: number; d: number }> = [];
    const reader = (async () => {
      while (reading) seen.push(await count());
    })();
    for (let i = 0; i < 6; i++) await ingest("atomic", "doc", i % 2 ? v1 : v2);
    reading = false;
    await reader;
    expect(seen.length).toBeGreaterThan(5);
    for (const s of seen) {
      expect(s.n).toBe(expected);
      expect(s.d).toBe(expected);
    }
  });

  it("records a failing step with a readable error and never blocks other documents", async () => {
    const pdf = { name: "broken.pdf", bytes: new TextEncoder().encode("%PDF-1.7\nthis is not really a pdf") };
    await uploadDocument(ctx, { index: "fail", documentId: "bad", files: [pdf], tags: {}, steps: [...DEFAULT_STEPS] });
    await settle();
    const status = await getUploadStatus(ctx, "fail", "bad");
    expect(status.completed).toBe(false);
    expect(status.failed).toBe(true);
    expect(status.error).toMatchObject({ step: "extract" });
    expect(status.error!.message).toMatch(/broken\.pdf/);
    expect((await ingest("fail", "good", "Healthy text document.")).completed).toBe(true);
  });

  it("deletes documents and indexes (missing ones are no-ops) and lists documents by page", async () => {
    for (const id of ["a", "b", "c"]) await ingest("listing", id, `Document ${id} text.`);
    const first = await listDocuments(ctx, "listing", { limit: 2 });
    expect(first.documents.map((d) => d.documentId)).toEqual(["a", "b"]);
    expect(first.nextCursor).toBe("b");
    const second = await listDocuments(ctx, "listing", { cursor: first.nextCursor!, limit: 2 });
    expect(second.documents.map((d) => d.documentId)).toEqual(["c"]);
    expect(second.nextCursor).toBeNull();
    expect(second.documents[0]!.files).toEqual([
      { fileId: "notes.txt", name: "notes.txt", contentType: "text/plain", size: 16 },
    ]);

    await deleteDocumentById(ctx.db, "listing", "b");
    await deleteDocumentById(ctx.db, "listing", "never-existed");
    await expect(getUploadStatus(ctx, "listing", "b")).rejects.toMatchObject({ name: "NotFoundError" });
    expect((await search("listing", "Document b text")).results.map((c) => c.documentId)).not.toContain("b");

    await deleteIndexNamed(ctx.db, "listing");
    await deleteIndexNamed(ctx.db, "no-such-index");
    expect(await listIndexNames(ctx.db)).not.toContain("listing");
    expect((await search("listing", "Document")).results).toEqual([]);
  });
});

describe("search", () => {
  beforeAll(async () => {
    const docs: Array<[string, string, Record<string, string[]>]> = [
      ["f1", "Solar panels convert sunlight into electricity.", { user: ["alice"], type: ["news"], year: ["2019"] }],
      ["f2", "Wind turbines convert wind into electricity.", { user: ["bob"], type: ["news"], year: ["2021"] }],
      ["f3", "Hydro dams convert falling water into electricity.", { user: ["alice"], type: ["blog"], year: ["2023"] }],
      [
        "f4",
        "Geothermal plants convert underground heat into electricity.",
        { user: ["carol"], type: ["blog"], year: ["2024-05-01"] },
      ],
    ];
    for (const [id, body, tags] of docs) await ingest("filters", id, body, tags);
  });

  const ids = async (filters: Array<Record<string, unknown>>, extra = {}) =>
    (await search("filters", "convert into electricity", { filters, ...extra })).results
      .map((c) => c.documentId)
      .sort();

  it("applies Kernel Memory filter semantics: AND inside a filter, OR across filters, {} matches all", async () => {
    expect(await ids([{ user: ["alice"] }])).toEqual(["f1", "f3"]);
    expect(await ids([{ user: ["alice"], type: ["news"] }])).toEqual(["f1"]);
    expect(await ids([{ user: ["alice"], type: ["news"] }, { user: ["bob"] }])).toEqual(["f1", "f2"]);
    expect(await ids([{}])).toEqual(["f1", "f2", "f3", "f4"]);
    expect(await ids([{ user: ["nobody"] }])).toEqual([]);
    expect(await ids([{ __document_id: ["f2"] }])).toEqual(["f2"]);
  });

  it("supports exclusion and ranges as extensions", async () => {
    expect(await ids([{ $not: { user: ["alice"] } }])).toEqual(["f2", "f4"]);
    expect(await ids([{ type: ["blog"], $not: { user: ["carol"] } }])).toEqual(["f3"]);
    expect(await ids([{ $range: { year: { gte: 2020, lt: 2024 } } }])).toEqual(["f2", "f3"]);
    expect(await ids([{ $range: { year: { gte: "2024-01-01" } } }])).toEqual(["f4"]);
  });

  it("applies minRelevance in SQL and honours limit", async () => {
    const all = await search("filters", "convert into electricity");
    const relevances = all.results.flatMap((c) => c.partitions.map((p) => p.relevance)).sort((a, b) => b - a);
    const threshold = (relevances[0]! + relevances[1]!) / 2;
    const strict = await search("filters", "convert into electricity", { minRelevance: threshold });
    expect(strict.results).toHaveLength(1);
    expect(strict.results[0]!.partitions[0]!.relevance).toBeGreaterThanOrEqual(threshold);
    const nothing = await search("filters", "convert into electricity", { minRelevance: 0.9999 });
    expect(nothing).toMatchObject({ noResult: true, results: [] });
    expect((await search("filters", "electricity", { limit: 2 })).results).toHaveLength(2);
  });

  it("hybrid retrieval finds an exact rare term that vector search alone misses", async () => {
    const filler = Array.from(
      { length: 40 },
      (_, i) => `Maintenance log ${i}: the pump station inspection found routine wear on valves and seals.`,
    );
    filler[23] = "Maintenance log 23: inspector noted code XQ7-ZEBRA on the seal assembly; valves fine.";
    for (const [i, body] of filler.entries()) await ingest("hybrid", `log-${i}`, body);
    const query = "pump station inspection valves seals wear XQ7-ZEBRA";
    const vectorOnly = await search("hybrid", query, { limit: 3, args: { hybrid: false } });
    const hybrid = await search("hybrid", query, { limit: 3 });
    expect(vectorOnly.results.map((c) => c.documentId)).not.toContain("log-23");
    expect(hybrid.results.map((c) => c.documentId)).toContain("log-23");
  });
});

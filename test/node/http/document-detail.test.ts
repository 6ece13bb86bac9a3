/**
 * `GET /documents/{documentId}?index=` (status, tags, files and the extracted chunks, paged by `nextOffset`) and
 * `PATCH /documents/{documentId}?index=` `{tags}` (replaces the user tags on the document and on every chunk
 * without ingesting it again: filters see the new tags at once, system `__` tags stay, bad tags are refused as
 * on upload and change nothing). KM's `DELETE /documents?index=&documentId=` keeps working beside them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, expectProblem, startApiServer, waitForIngestion } from "../../helpers/api.js";

let api: ApiServer;
const INDEX = "detail";
const SENTENCES = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about harbour lantern ${i}.`);

type Chunk = { fileId: string; partitionNumber: number; text: string; tags: Record<string, string[]> };
type Detail = {
  completed: boolean;
  tags: Record<string, string[]>;
  files: Array<{ name: string }>;
  totalChunks: number;
  chunks: Chunk[];
  nextOffset: number | null;
};

beforeAll(async () => {
  api = await startApiServer();
  const res = await api.postJson("/upload", {
    index: INDEX,
    documentId: "lanterns",
    text: SENTENCES.join("\n\n"),
    tags: { team: ["alpha"], year: ["2026"] },
    // Small partitions, so the document has several pages of chunks.
    args: { custom_partitioning_max_tokens_per_paragraph: 40, custom_partitioning_overlapping_tokens: 0 },
  });
  expect(res.status).toBe(202);
  expect((await waitForIngestion(api, INDEX, "lanterns")).completed).toBe(true);
});

afterAll(async () => {
  await api?.close();
});

const detail = async (query: string): Promise<Detail> => {
  const res = await api.call(`/documents/lanterns?index=${INDEX}${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Detail;
};

const found = async (filters: unknown[]): Promise<string[]> => {
  const res = await api.postJson("/search", { index: INDEX, query: "harbour lantern", filters, minRelevance: 0 });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ documentId: string }> }).results.map((r) => r.documentId);
};

describe("GET /documents/{documentId}", () => {
  it("returns the status, tags and files, and every chunk exactly once across its pages, in order", async () => {
    const first = await detail("&limit=3");
    expect(first).toMatchObject({ completed: true, tags: { team: ["alpha"], year: ["2026"] } });
    expect(first.files).toHaveLength(1);
    expect(first.totalChunks).toBeGreaterThan(3);
    const chunks: Chunk[] = [...first.chunks];
    for (let next = first.nextOffset; next !== null; ) {
      const page = await detail(`&limit=3&offset=${next}`);
      expect(page.chunks.length).toBeLessThanOrEqual(3);
      chunks.push(...page.chunks);
      next = page.nextOffset;
    }
    expect(chunks).toHaveLength(first.totalChunks);
    expect(chunks.map((c) => c.partitionNumber)).toEqual(chunks.map((_, i) => i));
    const text = chunks.map((c) => c.text).join(" ");
    for (const sentence of SENTENCES) expect(text).toContain(sentence);
    expect(chunks[0]!.tags).toMatchObject({ team: ["alpha"], __document_id: ["lanterns"] });
    // Past the end: an empty page, no next.
    expect(await detail(`&offset=${first.totalChunks}`)).toMatchObject({ chunks: [], nextOffset: null });
  });

  it("refuses bad input with ProblemDetails and answers 404 for unknown documents and foreign indexes", async () => {
    await expectProblem(await api.call(`/documents/nope?index=${INDEX}`), 404);
    await expectProblem(await api.call("/documents/lanterns?index=elsewhere"), 404);
    await expectProblem(await api.call(`/documents/bad%2Fid?index=${INDEX}`), 400);
    await expectProblem(await api.call(`/documents/lanterns?index=${INDEX}&offset=-1`), 400);
    await expectProblem(await api.call(`/documents/lanterns?index=${INDEX}&limit=0`), 400);
    await expectProblem(await api.call(`/documents/lanterns?index=${INDEX}&limit=abc`), 400);
  });
});

describe("PATCH /documents/{documentId}", () => {
  const patch = (body: unknown, id = "lanterns", index = INDEX) =>
    api.call(`/documents/${id}?index=${index}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("replaces the tags on the document and every chunk: filters see them at once, system tags stay", async () => {
    expect(await found([{ team: ["alpha"] }])).toEqual(["lanterns"]);
    const res = await patch({ tags: { team: ["beta"], shelf: ["top", "top", "left"] } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Detail).tags).toEqual({ team: ["beta"], shelf: ["top", "left"] });
    expect(await found([{ team: ["alpha"] }])).toEqual([]);
    expect(await found([{ team: ["beta"], shelf: ["left"] }])).toEqual(["lanterns"]);
    expect(await found([{ year: ["2026"] }])).toEqual([]);
    expect(await found([{ __document_id: ["lanterns"] }])).toEqual(["lanterns"]);
    const all = await detail("&limit=100");
    for (const chunk of all.chunks) {
      expect(chunk.tags).toMatchObject({ team: ["beta"], shelf: ["top", "left"], __document_id: ["lanterns"] });
      expect(chunk.tags.year).toBeUndefined();
      expect(chunk.tags.__part_n).toEqual([String(chunk.partitionNumber)]);
    }
    const status = await (await api.call(`/upload-status?index=${INDEX}&documentId=lanterns`)).json();
    expect((status as { tags: unknown }).tags).toEqual({ team: ["beta"], shelf: ["top", "left"] });
  });

  it("refuses what an upload refuses (reserved and malformed tags), unknown documents, and changes nothing", async () => {
    const before = await detail("&limit=100");
    await expectProblem(await patch({ tags: { __document_id: ["other"] } }), 400);
    await expectProblem(await patch({ tags: { "a:b": ["x"] } }), 400);
    await expectProblem(await patch({ tags: { team: [1] } }), 400);
    await expectProblem(await patch({ tags: ["team:gamma"] }), 400);
    await expectProblem(await patch({}), 400);
    await expectProblem(await patch({ tags: { team: ["x"] } }, "nope"), 404);
    await expectProblem(await patch({ tags: { team: ["x"] } }, "lanterns", "elsewhere"), 404);
    expect(await detail("&limit=100")).toEqual(before);
    expect(await found([{ __document_id: ["other"] }])).toEqual([]);
  });

  it("an empty object removes every user tag; DELETE /documents?index=&documentId= still deletes", async () => {
    expect((await patch({ tags: {} })).status).toBe(200);
    expect((await detail("")).tags).toEqual({});
    expect(await found([{ team: ["beta"] }])).toEqual([]);
    const del = await api.call(`/documents?index=${INDEX}&documentId=lanterns`, { method: "DELETE" });
    expect(del.status).toBe(202);
    await expectProblem(await api.call(`/documents/lanterns?index=${INDEX}`), 404);
  });
});

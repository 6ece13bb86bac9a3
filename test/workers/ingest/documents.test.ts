/**
 * Inside workerd, over the `neon()` HTTP transport: `GET /documents/{documentId}` pages a document's chunks,
 * `PATCH /documents/{documentId}` replaces its tags (in one HTTP transaction) and search filters see them at once,
 * and `/ask`'s answer cache answers a repeated question (no token usage: nothing was spent) until the tag change
 * makes the index new again.
 */
import { describe, expect, it } from "vitest";
import { apiModule } from "../worker-api.js";

const INDEX = "wk-docs";

async function call(path: string, method = "GET", body?: unknown): Promise<Response> {
  return apiModule(path, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json; charset=utf-8" } }),
  });
}

async function waitForIngestion(documentId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const res = await call(`/upload-status?index=${INDEX}&documentId=${documentId}`);
    if (res.status === 200 && ((await res.json()) as { completed: boolean }).completed) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("not ingested after 10 s");
}

const filtered = async (filters: unknown[]): Promise<string[]> => {
  const res = await call("/search", "POST", { index: INDEX, query: "ferry timetable", filters, minRelevance: 0 });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ documentId: string }> }).results.map((r) => r.documentId);
};

const ask = async () => {
  const res = await call("/ask", "POST", { index: INDEX, question: "When does the ferry timetable change?" });
  expect(res.status).toBe(200);
  return (await res.json()) as { text: string; tokenUsage: unknown[] };
};

describe("workerd: a document's detail, its tags, and the answer cache", () => {
  it("pages the chunks, patches the tags, and the cache answers until the index changes", async () => {
    const text = Array.from({ length: 12 }, (_, i) => `The ferry timetable changes in month ${i + 1}.`).join("\n\n");
    const up = await call("/upload", "POST", {
      index: INDEX,
      documentId: "ferry",
      text,
      tags: { port: ["north"] },
      args: { custom_partitioning_max_tokens_per_paragraph: 20, custom_partitioning_overlapping_tokens: 0 },
    });
    expect(up.status).toBe(202);
    await waitForIngestion("ferry");

    const first = (await (await call(`/documents/ferry?index=${INDEX}&limit=2`)).json()) as {
      tags: unknown;
      totalChunks: number;
      chunks: unknown[];
      nextOffset: number | null;
    };
    expect(first).toMatchObject({ tags: { port: ["north"] }, nextOffset: 2 });
    expect(first.chunks).toHaveLength(2);
    expect(first.totalChunks).toBeGreaterThan(2);

    const live = await ask();
    expect(live.tokenUsage.length).toBeGreaterThan(0);
    const cached = await ask();
    expect(cached).toMatchObject({ text: live.text, tokenUsage: [] });

    const patched = await call(`/documents/ferry?index=${INDEX}`, "PATCH", { tags: { port: ["south"] } });
    expect(patched.status).toBe(200);
    expect(await filtered([{ port: ["north"] }])).toEqual([]);
    expect(await filtered([{ port: ["south"] }])).toEqual(["ferry"]);
    expect((await call(`/documents/ferry?index=${INDEX}`, "PATCH", { tags: { __file_id: ["x"] } })).status).toBe(400);
    // The tag change made the index new: answered live again.
    expect((await ask()).tokenUsage.length).toBeGreaterThan(0);
  });
});

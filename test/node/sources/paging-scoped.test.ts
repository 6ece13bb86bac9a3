/**
 * `GET /sources?limit=` with a scoped key pages over that key's sources only,
 * filtered in the query (issue #20 item 9): every page is full until the last,
 * and no `nextCursor` ever names another tenant's source. Real Node server,
 * real database; the sources point at a closed local port (their first sync
 * fails, which does not matter here).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, apiClient, startApiServer } from "../../helpers/api.js";

const ADMIN = "admin-key-for-source-paging";
let api: ApiServer;
const ids: Record<"ta" | "tb", string[]> = { ta: [], tb: [] };

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: ADMIN, SOURCE_ALLOW_PRIVATE: "true" }, ADMIN);
  // More of the other tenant's sources than ours, so with random ids theirs fall between ours.
  for (const [tenant, count] of [
    ["tb", 8],
    ["ta", 3],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const res = await api.postJson("/sources", {
        url: `http://127.0.0.1:9/${tenant}/${i}`,
        kind: "page",
        index: `${tenant}-docs`,
      });
      expect(res.status).toBe(201);
      ids[tenant].push(((await res.json()) as { id: string }).id);
    }
  }
});

afterAll(async () => {
  await api?.close();
});

type Page = { sources: Array<{ id: string; index: string }>; nextCursor: string | null };

async function pages(key: string, limit: number): Promise<Page[]> {
  const client = apiClient(api.url, key);
  const out: Page[] = [];
  let cursor: string | null = null;
  // Bounded: 11 sources at one per page cannot take more than 12 pages.
  for (let i = 0; i < 12; i++) {
    const res = await client.call(`/sources?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    out.push(page);
    cursor = page.nextCursor;
    if (cursor === null) return out;
  }
  throw new Error("paging did not end");
}

describe("GET /sources with a scoped key", () => {
  it("pages over the key's sources only, full pages, cursors of its own sources", async () => {
    const created = await api.postJson("/keys", { name: "tenant a", scope: "read", indexes: ["ta-*"] });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };

    const seen = await pages(key, 1);
    expect(seen).toHaveLength(3);
    for (const page of seen) {
      expect(page.sources).toHaveLength(1);
      expect(page.sources[0]!.index).toBe("ta-docs");
      if (page.nextCursor !== null) expect(ids.ta).toContain(page.nextCursor);
    }
    expect(seen.flatMap((p) => p.sources.map((s) => s.id)).sort()).toEqual([...ids.ta].sort());

    const admin = await pages(ADMIN, 5);
    expect(admin.flatMap((p) => p.sources.map((s) => s.id)).sort()).toEqual([...ids.ta, ...ids.tb].sort());
  });
});

/**
 * Load proof inside workerd over `hyperdrive` (smaller than Node's 5,000 at
 * 300): 240 requests at 60 concurrency through the API Worker's own
 * entrypoint, mixed over search, ask, upload-status, indexes and uploads.
 * Every request opens its own socket; the backends must stay within the
 * pool, the instance keep its handles, every answer be the intended one (the
 * only failure allowed: a 503 ProblemDetails with Retry-After, for at most
 * 1 − MIN_OK of each kind), and no socket outlive its request. MAX_IN_FLIGHT
 * is the default 256, above the concurrency: nothing is shed
 * (docs/adr/0005-overload.md).
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { kmMultipart } from "../../helpers/km-multipart.js";
import { runLoad } from "../../helpers/load.js";
import { BASE, postJson, worker } from "../worker-api.js";
import { backendSampler, openClientSockets, seedIndex } from "./backends.js";

const INDEX = "load";
const REQUESTS = 240;
const CONCURRENCY = 60;

beforeAll(async () => {
  await seedIndex(INDEX, ["harbour lanterns", "granite meadows", "copper falcons", "willow orchards"]);
});

function request(i: number): Promise<Response> {
  switch (i % 6) {
    case 0:
    case 1:
      return postJson("/search", { index: INDEX, query: ["harbour", "granite", "copper"][i % 3], limit: 5 });
    case 2:
      return postJson("/ask", { index: INDEX, question: "What does the report say about lanterns?" });
    case 3:
      return worker().fetch(`${BASE}/upload-status?index=${INDEX}&documentId=${INDEX}-${i % 4}`);
    case 4:
      return worker().fetch(`${BASE}/indexes`);
    default: {
      const { body, contentType } = kmMultipart({
        index: "load-uploads",
        documentId: `up-${i}`,
        files: [{ name: "n.txt", bytes: `Upload ${i} under load.` }],
      });
      return worker().fetch(`${BASE}/upload`, { method: "POST", body, headers: { "content-type": contentType } });
    }
  }
}

const EXPECTED = [200, 200, 200, 200, 200, 202];
const KIND = ["search", "search", "ask", "status", "indexes", "upload"];
/** Per kind, the share that must get its intended status (docs/adr/0005-overload.md). */
const MIN_OK = 0.8;

describe("workerd load over hyperdrive", () => {
  it(`answers ${REQUESTS} mixed requests at ${CONCURRENCY} concurrency within the pool`, async () => {
    const health = async () =>
      (await (await worker().fetch(`${BASE}/health`)).json<{ db: { transport: string; handles: number } }>()).db;
    const sampler = backendSampler();
    const before = await health();
    expect(before.transport).toBe("hyperdrive");
    const wrong: string[] = [];
    const perKind = new Map<string, { sent: number; ok: number }>();
    const result = await runLoad(REQUESTS, CONCURRENCY, async (i) => {
      const res = await request(i);
      const kind = perKind.get(KIND[i % 6]!) ?? { sent: 0, ok: 0 };
      perKind.set(KIND[i % 6]!, { sent: kind.sent + 1, ok: kind.ok + (res.status === EXPECTED[i % 6] ? 1 : 0) });
      if (res.status !== EXPECTED[i % 6] && !(res.status === 503 && res.headers.get("retry-after"))) {
        wrong.push(`${i % 6}: ${res.status} ${(await res.clone().text()).slice(0, 160)}`);
      }
      return res;
    });
    const { peak, samples } = await sampler.stop();
    const statuses = [...result.statuses.entries()].map(([s, n]) => `${s}×${n}`).join(" ");
    console.log(`[measured] workerd load (hyperdrive): ${statuses}; peak ${peak} backends over ${samples} samples`);
    expect(result.errors).toEqual([]);
    expect(wrong).toEqual([]);
    expect([...perKind.keys()].sort()).toEqual([...new Set(KIND)].sort());
    for (const [kind, { sent, ok }] of perKind)
      expect(ok / sent, `${kind}: ${ok}/${sent}`).toBeGreaterThanOrEqual(MIN_OK);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(inject("bouncerPoolSize"));
    expect((await health()).handles).toBe(before.handles);
    let open = -1;
    for (let i = 0; i < 100 && open !== 0; i++) {
      open = await openClientSockets();
      if (open !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(open).toBe(0);
    const uploads = (await postJson("/search", { index: "load-uploads", query: "x" })).status;
    expect(uploads).toBe(200);
  });
});

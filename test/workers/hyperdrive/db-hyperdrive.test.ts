/**
 * The `hyperdrive` transport inside workerd, through the API Worker's own
 * entrypoint: every request opens its own pg socket over cloudflare:sockets
 * (to a PgBouncer in transaction mode standing in for Hyperdrive's pool) and
 * closes it after its response. 300 concurrent searches must all answer, the
 * Postgres backends stay within the pool, no socket stays open afterwards,
 * and the instance keeps one database handle (the binding-derived config).
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { servicesFor } from "../../../lib/runtime/services.js";
import { workerdRuntime } from "../runtime.js";
import { BASE, postJson, worker } from "../worker-api.js";
import { backendSampler, openClientSockets, seedIndex } from "./backends.js";

const INDEX = "hyperdrive-docs";
const bindings = env as unknown as Record<string, unknown>;

beforeAll(async () => {
  // The sampler's handle (http) is created now, so the load below may not add any handle.
  await backendSampler().stop();
  expect(servicesFor(bindings, workerdRuntime).db.transport).toBe("hyperdrive");
  await seedIndex(INDEX, ["tides and harbour weather", "glaciers and ice cores", "orchards and frost"]);
});

describe("workerd: hyperdrive transport, a socket per request", () => {
  it("answers 300 concurrent searches with backends bounded by the pool and no cross-request I/O error", async () => {
    const before = await (await worker().fetch(`${BASE}/health?check=db`)).json<{
      db: { transport: string; handles: number };
    }>();
    expect(before.db.transport).toBe("hyperdrive");

    const sampler = backendSampler();
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        postJson("/search", { index: INDEX, query: ["tides", "glaciers", "frost"][i % 3], limit: 3 }).then(
          async (res) => ({ status: res.status, body: await res.text() }),
        ),
      ),
    );
    const { peak, samples } = await sampler.stop();

    const failures = responses.filter((r) => r.status !== 200);
    expect(failures.map((f) => f.body.slice(0, 200))).toEqual([]);
    for (const r of responses) {
      const body = JSON.parse(r.body) as { noResult: boolean; results: unknown[] };
      expect(body.noResult).toBe(false);
      expect(body.results.length).toBeGreaterThan(0);
    }
    expect(responses.some((r) => r.body.includes("different request"))).toBe(false);
    console.log(`[measured] hyperdrive: 300 concurrent searches, peak ${peak} backends over ${samples} samples`);
    expect(samples).toBeGreaterThan(0);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(inject("bouncerPoolSize"));

    // The handle is the binding-derived config, created once; the sockets were the requests' own.
    const after = await (await worker().fetch(`${BASE}/health?check=db`)).json<{ db: { handles: number } }>();
    expect(after.db.handles).toBe(before.db.handles);
  });

  it("closes every request's socket once the request is done", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () => postJson("/search", { index: INDEX, query: "orchards", limit: 1 })),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    let open = -1;
    for (let i = 0; i < 100 && open !== 0; i++) {
      open = await openClientSockets();
      if (open !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(open).toBe(0);
  });

  it("serves 50 sequential requests, each on a socket of its own", async () => {
    for (let i = 0; i < 50; i++) {
      const res = await worker().fetch(`${BASE}/health?check=db`);
      expect(res.status).toBe(200);
      expect((await res.json<{ db: { pingMs?: number } }>()).db.pingMs).toBeTypeOf("number");
    }
  });
});

/**
 * Inside workerd, through the real Worker entrypoint: the database handle is
 * the `neon()` HTTP function, created once per isolate and reused by every
 * request (a socket pool would hang here).
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

type Health = { db: { transport: string; handles: number; pingMs?: number } };

const worker = () => (exports as unknown as { default: Fetcher }).default;

async function health(): Promise<{ status: number; body: Health }> {
  const res = await worker().fetch("http://worker.test/health?check=db");
  return { status: res.status, body: (await res.json()) as Health };
}

describe("workerd: one http handle per isolate", () => {
  it("serves 150 sequential database requests without a failure", async () => {
    const first = await health();
    expect(first.status).toBe(200);
    expect(first.body.db.transport).toBe("http");
    const handles = first.body.db.handles;
    expect(handles).toBe(1);
    for (let i = 0; i < 149; i++) {
      const { status, body } = await health();
      expect(status).toBe(200);
      expect(body.db.handles).toBe(handles);
    }
  });

  it("serves 150 concurrent database requests (waves of 50) without a failure", async () => {
    let ok = 0;
    for (let wave = 0; wave < 3; wave++) {
      const results = await Promise.all(Array.from({ length: 50 }, () => health()));
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.body.db.handles).toBe(1);
        expect(typeof r.body.db.pingMs).toBe("number");
        ok++;
      }
    }
    expect(ok).toBe(150);
  });
});

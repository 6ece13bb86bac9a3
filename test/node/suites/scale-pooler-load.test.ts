/**
 * Why the pooler exists, proven against the real engines: 20 instances × DB_POOL_MAX 5 = 100 client
 * connections for a role the database caps at 15. Straight to PostgreSQL the database refuses them
 * (53300, answered as 503 + Retry-After, never a 500); through PgBouncer in transaction mode
 * (`default_pool_size` 10, as Neon's `-pooler` endpoint) the same instances and load get 0 errors on at
 * most 10 server backends, and every upload is ingested exactly once. The instances are real Node servers
 * (the code `npm start` runs) in this process, each with its own database handle and pool.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { NodeServer } from "../../../lib/node-host/server.js";
import { apiClient } from "../../helpers/api.js";
import { startServer } from "../../helpers/app-server.js";
import { withAdmin } from "../../helpers/database.js";
import { runLoad } from "../../helpers/load.js";
import { pooledUrl, requireScaleOutStack, showPools } from "../../helpers/scale-out.js";
import { createServiceRole, type Stack, startStack } from "../../helpers/suite-stack.js";

const INSTANCES = 20;
const POOL_MAX = 5;
const ROLE_LIMIT = 15;
const UPLOADS_PER_INSTANCE = 2;
const SEARCHES = 240;
const PER_INSTANCE_CONCURRENCY = 8;

let stack: Stack;
let role: string;

beforeAll(async () => {
  await requireScaleOutStack();
  stack = await startStack("smpooler");
  role = `sm_pooler_${Math.random().toString(36).slice(2, 8)}`;
  await createServiceRole(stack.database.name, role, ROLE_LIMIT);
});

afterAll(async () => {
  await stack?.close();
  if (role) await withAdmin((c) => c.query(`drop role if exists "${role}"`)).catch(() => {});
});

type ArmResult = {
  statuses: Map<number, number>;
  errors: string[];
  peakBackends: number;
  peakClients: number;
  refusals53300: number;
  problems: unknown[];
};

/** 20 instances on `url`, uploads and searches from all of them at once, sampled every 20 ms. */
async function runArm(url: string, index: string): Promise<ArmResult> {
  const logged: string[] = [];
  const spy = vi.spyOn(console, "error").mockImplementation((line: unknown) => void logged.push(String(line)));
  const servers: NodeServer[] = [];
  let running = true;
  let peakBackends = 0;
  let peakClients = 0;
  const sampler = (async () => {
    while (running) {
      const [row] = await stack.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where usename = $1 and datname = $2",
        [role, stack.database.name],
      );
      peakBackends = Math.max(peakBackends, row!.n);
      const pool = (await showPools()).find((p) => p.user === role && p.database === stack.database.name);
      peakClients = Math.max(peakClients, pool?.clients ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    for (let i = 0; i < INSTANCES; i++) {
      servers.push(
        await startServer({
          DATABASE_URL: url,
          DB_TRANSPORT: "pool",
          DB_POOL_MAX: String(POOL_MAX),
          DB_APPLICATION_NAME: `smt-${index}-${i}`,
          NEON_LOCAL_PROXY: stack.proxy.address,
          LOG_LEVEL: "warn",
        }),
      );
    }
    const apis = servers.map((s) => apiClient(s.url));
    const uploads = INSTANCES * UPLOADS_PER_INSTANCE;
    const requests = uploads + SEARCHES;
    // Generous client deadline: on two shared cores a queued request may wait long, and waiting is not failing.
    const init = () => ({ signal: AbortSignal.timeout(120_000) });
    const load = await runLoad(requests, INSTANCES * PER_INSTANCE_CONCURRENCY, (i) =>
      i < uploads
        ? apis[i % INSTANCES]!.postJson(
            "/upload",
            { index, documentId: `doc-${i}`, text: `Report ${i} on harbour lanterns and copper tides. `.repeat(40) },
            init(),
          )
        : apis[i % INSTANCES]!.postJson("/search", { index, query: `copper tides ${i % 7}`, limit: 5 }, init()),
    );
    if (index === "pooled") await waitForJobs(index, uploads);
    const problems = load.bodies.filter((b) => typeof b === "object" && b !== null && "status" in b);
    return {
      statuses: load.statuses,
      errors: load.errors,
      peakBackends,
      peakClients,
      refusals53300: logged.filter((l) => l.includes('"event":"http.request"') && l.includes('"dbUnavailable":"53300"'))
        .length,
      problems,
    };
  } finally {
    running = false;
    await sampler;
    await Promise.allSettled(servers.map((s) => s.close()));
    spy.mockRestore();
  }
}

async function waitForJobs(index: string, expected: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const [row] = await stack.query<{ done: number }>(
      "select count(*)::int as done from memory_jobs where index_name = $1 and state in ('done', 'failed')",
      [index],
    );
    if (row!.done >= expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`${INSTANCES} instances × DB_POOL_MAX ${POOL_MAX} against a role capped at ${ROLE_LIMIT} connections`, () => {
  it("straight to PostgreSQL: refused with 53300 (503 + Retry-After, never a 500)", async () => {
    const direct = await runArm(stack.database.url.replace("postgres@", `${role}@`), "direct");
    const codes = [...direct.statuses.keys()];
    expect(direct.errors).toEqual([]);
    expect(direct.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(codes.every((s) => s < 300 || s === 503)).toBe(true);
    expect(direct.refusals53300).toBe(direct.statuses.get(503));
    expect(direct.peakBackends).toBeLessThanOrEqual(ROLE_LIMIT);
    console.log(
      `direct: ${[...direct.statuses].map(([s, n]) => `${s}×${n}`).join(" ")}, peak backends ${direct.peakBackends}`,
    );
  });

  it("through PgBouncer (transaction mode, default_pool_size 10): 0 errors, ≤ 10 backends, uploads ingested once", async () => {
    const pooled = await runArm(pooledUrl(stack.database.name, role), "pooled");
    const uploads = INSTANCES * UPLOADS_PER_INSTANCE;
    expect(pooled.errors).toEqual([]);
    expect(Object.fromEntries(pooled.statuses)).toEqual({ 200: SEARCHES, 202: uploads });
    expect(pooled.peakBackends).toBeGreaterThan(0);
    expect(pooled.peakBackends).toBeLessThanOrEqual(10);
    expect(pooled.peakClients).toBe(INSTANCES * POOL_MAX);
    const jobs = await stack.query<{ state: string; attempts: number; n: number }>(
      "select state, attempts, count(*)::int as n from memory_jobs where index_name = 'pooled' group by 1, 2",
    );
    expect(jobs).toEqual([{ state: "done", attempts: 1, n: uploads }]);
    const [docs] = await stack.query<{ completed: number; chunks: number; copies: number }>(
      `select count(*) filter (where remaining_steps = '{}' and not failed)::int as completed,
              (select count(*)::int from memory_chunks where index_name = 'pooled') as chunks,
              (select count(*)::int from (select 1 from memory_chunks where index_name = 'pooled'
                                           group by document_id, partition_number having count(*) > 1) d) as copies
         from memory_documents where index_name = 'pooled'`,
    );
    expect(docs).toEqual({ completed: uploads, chunks: uploads, copies: 0 });
    console.log(
      `pooled: ${[...pooled.statuses].map(([s, n]) => `${s}×${n}`).join(" ")}, peak clients ${pooled.peakClients}, peak backends ${pooled.peakBackends}`,
    );
  });
});

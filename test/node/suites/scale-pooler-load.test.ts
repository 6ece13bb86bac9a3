/**
 * Why the pooler exists, proven against the real engines: 20 instances × DB_POOL_MAX 5 = 100 client
 * connections for a role the database caps at 15. Straight to PostgreSQL the database refuses them
 * (53300, answered as 503 + Retry-After, never a 500); through PgBouncer in transaction mode
 * (`default_pool_size` 10, as Neon's `-pooler` endpoint) the same instances and load get 0 errors on at
 * most 10 server backends, and every upload is ingested exactly once. The instances are real Node servers
 * (the code `npm start` runs) in this process, each with its own database handle and pool.
 *
 * Both arms use the same role, so each starts only once the role has no backend left (the direct arm's closed
 * pools end their backends asynchronously: counted by the pooled arm's first samples, they once read as 14
 * backends "through a pool of 10"). The pooled arm also checks every backend it saw against PgBouncer's own
 * `SHOW SERVERS`, so a backend that is not PgBouncer's fails with its name instead of inflating the count.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { NodeServer } from "../../../lib/node-host/server.js";
import { apiClient } from "../../helpers/api.js";
import { startServer } from "../../helpers/app-server.js";
import { withAdmin } from "../../helpers/database.js";
import { runLoad } from "../../helpers/load.js";
import { bouncerServerPids, pooledUrl, requireScaleOutStack, showPools } from "../../helpers/scale-out.js";
import { createServiceRole, type Stack, startStack } from "../../helpers/suite-stack.js";

const INSTANCES = 20;
const POOL_MAX = 5;
const ROLE_LIMIT = 15;
const UPLOADS_PER_INSTANCE = 2;
const SEARCHES = 240;
const PER_INSTANCE_CONCURRENCY = 8;
/** An arm took 20–60 s here (two shared, busy cores): a 2× margin and more. */
const ARM_TIMEOUT_MS = 180_000;

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
  /** Backends the database showed for the role, by pid, with their application_name. */
  seen: Map<number, string>;
  /** Every backend pid PgBouncer's SHOW SERVERS listed for the pool. */
  bouncerPids: Set<number>;
  peakBouncerServers: number;
  /** The wide `http.request` event of every request the instances answered, by request id. */
  events: Map<string, WideEvent>;
  /** The request id of every 503 the clients received. */
  unavailable: string[];
  problems: unknown[];
};

type WideEvent = { path: string; status: number; dbUnavailable?: string | boolean; shed?: string };

/** 20 instances on `url`, uploads and searches from all of them at once, sampled every 20 ms. */
async function runArm(url: string, index: string): Promise<ArmResult> {
  const events = new Map<string, WideEvent>();
  const unavailable: string[] = [];
  const spy = vi.spyOn(console, "error").mockImplementation((line: unknown) => {
    const event = parseWide(String(line));
    if (event) events.set(event.requestId, event);
  });
  const servers: NodeServer[] = [];
  let running = true;
  let peakBackends = 0;
  let peakClients = 0;
  let peakBouncerServers = 0;
  const seen = new Map<number, string>();
  const bouncerPids = new Set<number>();
  await roleHasNoBackends();
  const sampler = (async () => {
    while (running) {
      const rows = await stack.query<{ pid: number; app: string }>(
        "select pid, application_name as app from pg_stat_activity where usename = $1 and datname = $2",
        [role, stack.database.name],
      );
      peakBackends = Math.max(peakBackends, rows.length);
      for (const r of rows) seen.set(r.pid, r.app);
      const pool = (await showPools()).find((p) => p.user === role && p.database === stack.database.name);
      peakClients = Math.max(peakClients, pool?.clients ?? 0);
      const servers = await bouncerServerPids(stack.database.name, role);
      peakBouncerServers = Math.max(peakBouncerServers, servers.length);
      for (const pid of servers) bouncerPids.add(pid);
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
    const seen503 = (res: Response) => {
      if (res.status === 503) unavailable.push(res.headers.get("x-request-id") ?? "(no request id)");
      return res;
    };
    const load = await runLoad(requests, INSTANCES * PER_INSTANCE_CONCURRENCY, async (i) =>
      seen503(
        await (i < uploads
          ? apis[i % INSTANCES]!.postJson(
              "/upload",
              { index, documentId: `doc-${i}`, text: `Report ${i} on harbour lanterns and copper tides. `.repeat(40) },
              init(),
            )
          : apis[i % INSTANCES]!.postJson("/search", { index, query: `copper tides ${i % 7}`, limit: 5 }, init())),
      ),
    );
    if (index === "pooled") await waitForJobs(index, uploads);
    const problems = load.bodies.filter((b) => typeof b === "object" && b !== null && "status" in b);
    return {
      statuses: load.statuses,
      errors: load.errors,
      peakBackends,
      peakClients,
      seen,
      bouncerPids,
      peakBouncerServers,
      events,
      unavailable,
      problems,
    };
  } finally {
    running = false;
    await sampler;
    await Promise.allSettled(servers.map((s) => s.close()));
    spy.mockRestore();
  }
}

function parseWide(line: string): (WideEvent & { requestId: string }) | undefined {
  if (!line.includes('"event":"http.request"')) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

async function waitForJobs(index: string, expected: number): Promise<void> {
  let done = 0;
  for (let i = 0; i < 600; i++) {
    const [row] = await stack.query<{ done: number }>(
      "select count(*)::int as done from memory_jobs where index_name = $1 and state in ('done', 'failed')",
      [index],
    );
    done = row!.done;
    if (done >= expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${done}/${expected} ${index} jobs finished within 60 s`);
}

/** Waits (≤ 30 s) until the role has no backend left, so an arm counts only its own. */
async function roleHasNoBackends(): Promise<void> {
  let left: Array<{ pid: number; app: string }> = [];
  for (let i = 0; i < 300; i++) {
    left = await stack.query<{ pid: number; app: string }>(
      "select pid, application_name as app from pg_stat_activity where usename = $1",
      [role],
    );
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the role still has backends after 30 s: ${JSON.stringify(left)}`);
}

describe(`${INSTANCES} instances × DB_POOL_MAX ${POOL_MAX} against a role capped at ${ROLE_LIMIT} connections`, () => {
  it(
    "straight to PostgreSQL: refused with 53300 (503 + Retry-After, never a 500)",
    async () => {
      const direct = await runArm(stack.database.url.replace("postgres@", `${role}@`), "direct");
      const codes = [...direct.statuses.keys()];
      expect(direct.errors).toEqual([]);
      expect(direct.statuses.get(503) ?? 0).toBeGreaterThan(0);
      expect(codes.every((s) => s < 300 || s === 503)).toBe(true);
      // The invariant: every 53300 refusal the instances logged was answered 503 to a client that received it (none
      // became a 500 or vanished), at least one 503 was one, and no 503 came from anything but the database. Counting
      // lines against 503s instead failed once as 70 vs 90: 20 of the 503s (one per instance) had no wide event.
      const refusals = [...direct.events].filter(([, e]) => e.dbUnavailable === "53300");
      const received = new Set(direct.unavailable);
      expect(refusals.filter(([id, e]) => e.status !== 503 || !received.has(id))).toEqual([]);
      expect(refusals.length).toBeGreaterThan(0);
      const causes = direct.unavailable.map((id) => direct.events.get(id)).filter((e) => e !== undefined);
      expect(causes.filter((e) => e.dbUnavailable === undefined || e.shed !== undefined)).toEqual([]);
      console.log(
        `direct: ${refusals.length} 53300 refusals, ${direct.unavailable.length - causes.length} 503s unlogged`,
      );
      expect(direct.peakBackends).toBeLessThanOrEqual(ROLE_LIMIT);
      console.log(
        `direct: ${[...direct.statuses].map(([s, n]) => `${s}×${n}`).join(" ")}, peak backends ${direct.peakBackends}`,
      );
    },
    ARM_TIMEOUT_MS,
  );

  it(
    "through PgBouncer (transaction mode, default_pool_size 10): 0 errors, ≤ 10 backends, uploads ingested once",
    async () => {
      const pooled = await runArm(pooledUrl(stack.database.name, role), "pooled");
      const uploads = INSTANCES * UPLOADS_PER_INSTANCE;
      expect(pooled.errors).toEqual([]);
      expect(Object.fromEntries(pooled.statuses), JSON.stringify(pooled.problems).slice(0, 600)).toEqual({
        200: SEARCHES,
        202: uploads,
      });
      expect(pooled.peakBackends).toBeGreaterThan(0);
      // Every backend the database showed for the role was one of PgBouncer's server connections…
      const foreign = [...pooled.seen].filter(([pid]) => !pooled.bouncerPids.has(pid));
      expect(foreign.map(([pid, app]) => `${pid} ${app}`)).toEqual([]);
      // …and neither the database nor PgBouncer ever counted more than the pool size.
      expect(pooled.peakBackends, `backends seen: ${JSON.stringify([...pooled.seen])}`).toBeLessThanOrEqual(10);
      expect(pooled.peakBouncerServers).toBeLessThanOrEqual(10);
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
        `pooled: ${[...pooled.statuses].map(([s, n]) => `${s}×${n}`).join(" ")}, peak clients ${pooled.peakClients}, peak backends ${pooled.peakBackends} (PgBouncer's SHOW SERVERS: peak ${pooled.peakBouncerServers}, ${pooled.bouncerPids.size} distinct)`,
      );
    },
    ARM_TIMEOUT_MS,
  );
});

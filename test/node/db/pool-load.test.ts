/**
 * The property the product rests on, measured on Node: one pool per process,
 * bounded by DB_POOL_MAX, reused across requests and waves; and the
 * anti-pattern (a pool per request) breaks the same bound under the same load.
 */
import { Pool } from "@neondatabase/serverless";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { route } from "../../../lib/http/route-helpers/register.js";
import { indexFree } from "../../../lib/keys/access.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { sleepRoute, startServer } from "../../helpers/app-server.js";
import {
  createTestDatabase,
  ensureRole,
  sampleBackends,
  type TestDatabase,
  uniqueAppName,
  urlFor,
  withAdmin,
} from "../../helpers/database.js";
import { runLoad } from "../../helpers/load.js";

const POOL_MAX = 5;
const REQUESTS = 200;

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let admin: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase("smload");
  proxy = await startNeonProxy();
  const { default: PgClient } = await import("pg");
  admin = new PgClient.Client({ connectionString: urlFor("postgres"), application_name: "sm-test-admin" });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await proxy?.close();
  await database?.drop();
});

describe("one pool per Node process", () => {
  it("serves 200 concurrent requests within DB_POOL_MAX backends and reuses them in a second wave", async () => {
    const appName = uniqueAppName("pool");
    const server = await startServer(
      {
        DATABASE_URL: database.url,
        DB_TRANSPORT: "pool",
        DB_POOL_MAX: String(POOL_MAX),
        DB_APPLICATION_NAME: appName,
        NEON_LOCAL_PROXY: proxy.address,
        AUTO_MIGRATE: "false",
        LOG_LEVEL: "warn",
      },
      sleepRoute,
    );
    try {
      const sampler = sampleBackends(admin, appName);
      const first = await runLoad(REQUESTS, REQUESTS, () => fetch(`${server.url}/test/sleep?ms=40`));
      const firstWave = await sampler.stop();

      expect(first.errors).toEqual([]);
      expect(first.statuses.get(200)).toBe(REQUESTS);
      expect(firstWave.peak).toBeGreaterThan(0);
      expect(firstWave.peak).toBeLessThanOrEqual(POOL_MAX);
      const pidsServedFirst = new Set(first.bodies.map((b) => (b as { pid: number }).pid));
      expect(pidsServedFirst.size).toBeLessThanOrEqual(POOL_MAX);

      // Warm: the second wave must run on the very same backends (no new connections).
      const sampler2 = sampleBackends(admin, appName);
      const second = await runLoad(REQUESTS, REQUESTS, () => fetch(`${server.url}/test/sleep?ms=40`));
      const secondWave = await sampler2.stop();
      expect(second.statuses.get(200)).toBe(REQUESTS);
      expect(secondWave.peak).toBeLessThanOrEqual(POOL_MAX);
      for (const pid of second.bodies.map((b) => (b as { pid: number }).pid)) {
        expect(firstWave.pids).toContain(pid);
      }

      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        db: { transport: string; handles: number; pool: { max: number; total: number } };
      };
      expect(health.db.transport).toBe("pool");
      expect(health.db.handles).toBe(1);
      expect(health.db.pool.max).toBe(POOL_MAX);
      expect(health.db.pool.total).toBeLessThanOrEqual(POOL_MAX);
      console.log(
        `[measured] pool: ${REQUESTS}x2 requests, peak backends ${firstWave.peak}/${secondWave.peak} (max ${POOL_MAX}), ` +
          `pids first wave ${firstWave.pids.length}, new pids in second wave ${secondWave.pids.filter((p) => !firstWave.pids.includes(p)).length}`,
      );
    } finally {
      await server.close();
    }
  });

  it("baseline: a pool per request opens more backends than DB_POOL_MAX under the same load", async () => {
    // A role capped at 30 slots keeps the anti-pattern from starving the shared server.
    const role = "sm_baseline";
    await ensureRole(role, 30);
    await withAdmin((c) => c.query(`grant connect on database "${database.name}" to ${role}`));
    const appName = uniqueAppName("baseline");
    const server = await startServer(
      {
        NEON_LOCAL_PROXY: proxy.address,
        DATABASE_URL: database.url,
        AUTO_MIGRATE: "false",
        LOG_LEVEL: "error",
      },
      (app) =>
        route(app, "GET", "/test/baseline", indexFree("read"), async (c) => {
          // The Kernel Memory connector's behaviour: a new pool for every client.
          const pool = new Pool({
            connectionString: urlFor(database.name, role),
            application_name: appName,
            max: 5,
          });
          pool.on("error", () => {});
          try {
            await pool.query("select pg_sleep(0.04)");
            return c.json({ ok: true });
          } catch (err) {
            return c.json({ code: (err as { code?: string }).code ?? "none" }, 503);
          } finally {
            await pool.end();
          }
        }),
    );
    try {
      const sampler = sampleBackends(admin, appName);
      const result = await runLoad(REQUESTS, REQUESTS, () => fetch(`${server.url}/test/baseline`));
      const { peak } = await sampler.stop();
      const failures = result.bodies.filter((b) => (b as { code?: string }).code);
      console.log(
        `[measured] baseline pool-per-request: peak backends ${peak} (bound ${POOL_MAX}), failed ${failures.length}/${REQUESTS} ` +
          `codes ${JSON.stringify([...new Set(failures.map((f) => (f as { code: string }).code))])}`,
      );
      expect(peak).toBeGreaterThan(POOL_MAX);
    } finally {
      await server.close();
    }
  });
});

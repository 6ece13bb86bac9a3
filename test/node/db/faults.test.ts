/**
 * Every backend of the service is terminated in the middle of a load. The
 * handle must drop its dead connections, retry what was in flight, and keep
 * serving without a restart, with the pool back within its bound.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlesCreated } from "../../../lib/db/handle.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { sleepRoute, startServer } from "../../helpers/app-server.js";
import { backendsOf, createTestDatabase, type TestDatabase, uniqueAppName, urlFor } from "../../helpers/database.js";
import { runLoad } from "../../helpers/load.js";

const POOL_MAX = 5;
let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let admin: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase("smfault");
  proxy = await startNeonProxy();
  admin = new pg.Client({ connectionString: urlFor("postgres"), application_name: "sm-test-admin" });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await proxy?.close();
  await database?.drop();
});

describe.each(["pool", "http"] as const)("%s transport: pg_terminate_backend mid-load", (transport) => {
  it("drops dead connections, retries in-flight work, and recovers within the pool bound", async () => {
    const appName = uniqueAppName(`fault-${transport}`);
    // Handles are counted per process; each server in this file adds exactly one.
    const handlesBefore = handlesCreated();
    const server = await startServer(
      {
        DATABASE_URL: database.url,
        DB_TRANSPORT: transport,
        DB_POOL_MAX: String(POOL_MAX),
        DB_RETRY_BUDGET_MS: "3000",
        DB_APPLICATION_NAME: appName,
        NEON_LOCAL_PROXY: proxy.address,
        AUTO_MIGRATE: "false",
        LOG_LEVEL: "error",
      },
      sleepRoute,
    );
    try {
      let terminatedAt = 0;
      let firstSuccessAfter = 0;
      let killed: number[] = [];
      const load = runLoad(300, 30, async (i) => {
        if (i === 100) {
          killed = await backendsOf(admin, appName);
          await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [
            appName,
          ]);
          terminatedAt = Date.now();
        }
        const res = await fetch(`${server.url}/test/sleep?ms=20`);
        if (res.ok && terminatedAt && !firstSuccessAfter) firstSuccessAfter = Date.now();
        return res;
      });
      const result = await load;

      expect(killed.length).toBeGreaterThan(0);
      expect(result.errors).toEqual([]);
      const ok = result.statuses.get(200) ?? 0;
      const unavailable = result.statuses.get(503) ?? 0;
      // At most the requests in flight at the moment of termination may fail, and only as 503.
      expect(ok + unavailable).toBe(300);
      expect(unavailable).toBeLessThanOrEqual(30);

      const after = await fetch(`${server.url}/test/sleep?ms=0`);
      expect(after.status).toBe(200);
      const { pid } = (await after.json()) as { pid: number };
      expect(killed).not.toContain(pid);
      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        db: { handles: number; pool?: { total: number } };
      };
      expect(health.db.handles).toBe(handlesBefore + 1);
      if (transport === "pool") expect(health.db.pool!.total).toBeLessThanOrEqual(POOL_MAX);
      const live = await backendsOf(admin, appName);
      expect(live.filter((p) => killed.includes(p))).toEqual([]);
      console.log(
        `[measured] ${transport}: terminated ${killed.length} backends mid-load; ${ok} ok, ${unavailable} 503; ` +
          `first success ${firstSuccessAfter - terminatedAt} ms after termination; live backends now ${live.length}`,
      );
    } finally {
      await server.close();
    }
  });
});

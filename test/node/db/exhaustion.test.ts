/**
 * When the database has no connection slots left for the service, requests get
 * a prompt 503 ProblemDetails with Retry-After (no hang, no crash), and the
 * service recovers by itself once slots free up.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { sleepRoute, startServer } from "../../helpers/app-server.js";
import { createTestDatabase, ensureRole, type TestDatabase, urlFor, withAdmin } from "../../helpers/database.js";

const ROLE = "sm_exhaust";
const SLOTS = 3;

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;

beforeAll(async () => {
  database = await createTestDatabase("smexhaust");
  proxy = await startNeonProxy();
  await ensureRole(ROLE, SLOTS);
  await withAdmin((c) => c.query(`grant connect on database "${database.name}" to ${ROLE}`));
});

afterAll(async () => {
  await proxy?.close();
  await database?.drop();
});

async function fillSlots(): Promise<pg.Client[]> {
  const clients: pg.Client[] = [];
  for (let i = 0; i < SLOTS; i++) {
    const c = new pg.Client({
      connectionString: urlFor(database.name, ROLE),
      application_name: "sm-test-filler",
    });
    await c.connect();
    clients.push(c);
  }
  return clients;
}

describe.each(["pool", "http"] as const)("%s transport with every slot taken", (transport) => {
  it("answers 503 + Retry-After promptly, then recovers without a restart", async () => {
    const server = await startServer(
      {
        DATABASE_URL: urlFor(database.name, ROLE),
        DB_TRANSPORT: transport,
        DB_POOL_MAX: "2",
        DB_RETRY_BUDGET_MS: "300",
        DB_APPLICATION_NAME: `smt-exhaust-${transport}`,
        NEON_LOCAL_PROXY: proxy.address,
        AUTO_MIGRATE: "false",
        LOG_LEVEL: "error",
      },
      sleepRoute,
    );
    const fillers = await fillSlots();
    try {
      const started = Date.now();
      const refused = await fetch(`${server.url}/test/sleep?ms=0`, { signal: AbortSignal.timeout(15_000) });
      const refusedAfterMs = Date.now() - started;
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
      expect(await refused.json()).toMatchObject({ status: 503, title: "Service Unavailable" });

      await Promise.all(fillers.splice(0).map((c) => c.end()));
      const recoveredStarted = Date.now();
      const recovered = await fetch(`${server.url}/test/sleep?ms=0`, { signal: AbortSignal.timeout(15_000) });
      expect(recovered.status).toBe(200);
      console.log(
        `[measured] ${transport}: 503 after ${refusedAfterMs} ms with slots full; 200 ${Date.now() - recoveredStarted} ms after slots freed`,
      );
    } finally {
      await Promise.all(fillers.map((c) => c.end()));
      await server.close();
    }
  });
});

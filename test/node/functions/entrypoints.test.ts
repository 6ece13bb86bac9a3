/**
 * The Node-family entrypoints serve the same app from one handle: AWS Lambda
 * (API Gateway v2 event) and Vercel (Web Request), plus the pool hook Vercel's
 * attachDatabasePool rides on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllHandles, handlesCreated } from "../../../lib/db/index.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
const saved = { ...process.env };

beforeAll(async () => {
  database = await createTestDatabase("smentry");
  proxy = await startNeonProxy();
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    DB_TRANSPORT: "pool",
    NEON_LOCAL_PROXY: proxy.address,
    DB_APPLICATION_NAME: "smt-entry",
    LOG_LEVEL: "warn",
  });
});

afterAll(async () => {
  process.env = saved;
  await closeAllHandles();
  await proxy?.close();
  await database?.drop();
});

const apiGatewayEvent = (path: string) => ({
  version: "2.0",
  routeKey: "$default",
  rawPath: path,
  rawQueryString: "check=db",
  headers: { host: "example.test" },
  requestContext: {
    http: { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" },
    requestId: "r1",
    routeKey: "$default",
    stage: "$default",
    timeEpoch: Date.now(),
  },
  isBase64Encoded: false,
});

describe("entrypoints", () => {
  it("Vercel: the exported handlers serve the app, and the created pool is handed to the pool hook", async () => {
    const { GET, poolsSeen: seen } = await import("../../../functions/vercel.js");
    const res = await GET(new Request("http://example.test/health?check=db"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { db: { transport: string } };
    expect(body.db.transport).toBe("pool");
    expect(seen).toHaveLength(1);
  });

  it("Lambda: an API Gateway v2 event reaches the same app and reuses the same handle", async () => {
    const before = handlesCreated();
    const { handler } = await import("../../../functions/lambda.js");
    for (let i = 0; i < 3; i++) {
      const res = (await handler(apiGatewayEvent("/health") as never, {} as never)) as {
        statusCode: number;
        body: string;
      };
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body).db.transport).toBe("pool");
    }
    expect(handlesCreated()).toBe(before);
  });
});

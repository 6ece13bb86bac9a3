/**
 * The runnable examples in examples/ work as a user runs them: the service as its own process (the Node server
 * entry `npm start` runs), the package's built client exports (`serverless-memory/client`, `/langchain`,
 * `/ai-sdk`, resolved through package.json `exports` as an application resolves them), and each example as a
 * plain `tsx` process. Each must find the right document.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase, uniqueAppName } from "../../helpers/database.js";
import { ensureSdkBuilt } from "../../helpers/sdk-build.js";
import { freePort, type ServerProcess, startServerProcess } from "../../helpers/server-process.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const run = promisify(execFile);
let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let server: ServerProcess;

beforeAll(async () => {
  await ensureSdkBuilt();
  database = await createTestDatabase("smexamples");
  proxy = await startNeonProxy();
  server = await startServerProcess({
    entry: "functions/node.ts",
    port: await freePort(),
    env: {
      DATABASE_URL: database.url,
      DB_TRANSPORT: "pool",
      NEON_LOCAL_PROXY: proxy.address,
      DB_APPLICATION_NAME: uniqueAppName("examples"),
      LOG_LEVEL: "error",
    },
  });
}, 180_000);

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  await proxy?.close();
  await database?.drop();
});

async function example(file: string, question: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", file, question], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", SERVERLESS_MEMORY_URL: server.url },
    timeout: 90_000,
  });
  return stdout;
}

describe("examples/", () => {
  it("langchain-app.ts stores notes, retrieves the deploy schedule and filters by tag", async () => {
    const out = await example("examples/langchain-app.ts", "When do deploys go out?");
    expect(out).toContain("stored deploy-schedule, fruit-notes, on-call");
    expect(out).toMatch(/^\[1\] Deploys go out every Tuesday.*\(deploy-schedule, relevance/m);
    expect(out).toContain("top document: deploy-schedule");
    const ops = /ops-only search: (.*)$/m.exec(out)?.[1]?.split(", ");
    expect(ops?.sort()).toEqual(["deploy-schedule", "on-call"]);
  });

  it("ai-sdk-agent.ts calls the search tool and answers from the right document", async () => {
    const out = await example("examples/ai-sdk-agent.ts", "Which fruit is yellow?");
    expect(out).toContain("tool calls: search");
    expect(out).toMatch(/^answer: Bananas are a yellow fruit.*\[source: fruit\]$/m);
  });
});

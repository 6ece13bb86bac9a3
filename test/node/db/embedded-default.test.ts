/**
 * The newcomer path: the Node server started with no DATABASE_URL runs on the
 * embedded PGlite + pgvector, ingests and answers, and keeps its data in
 * PGLITE_DIR across a restart. The server is a child process started the way
 * `npm start` starts it (tsx on functions/node.ts), with only the environment a
 * newcomer has: no database settings at all.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const STARTUP_MS = 60_000;
const DOCUMENT = "newcomer-doc";

type Server = { child: ChildProcess; url: string; output: () => string };

let dataRoot: string;
let port: number;
let server: Server | undefined;

beforeAll(async () => {
  dataRoot = await mkdtemp(path.join(tmpdir(), "sm-embedded-"));
  port = await freePort();
});

afterAll(async () => {
  if (server) await stop(server);
  await rm(dataRoot, { recursive: true, force: true });
});

it("serves, ingests and answers on the embedded database, and keeps the data across a restart", async () => {
  server = await start();
  expect(server.output()).toContain(`embedded PGlite in ${path.join(dataRoot, "pglite")}`);

  const form = new FormData();
  form.append("documentId", DOCUMENT);
  form.append("tags", "source:newcomer");
  form.append(
    "files",
    new Blob(["# Lighthouses\n\nThe lighthouse keeper lights the lamp at dusk and logs every passing ship."]),
    "lighthouse.md",
  );
  const upload = await fetch(`${server.url}/upload`, { method: "POST", body: form });
  expect(upload.status).toBe(202);
  expect(await waitForCompleted(server.url)).toMatchObject({ completed: true, failed: false, empty: false });

  const answer = await postJson(server.url, "/ask", { question: "When does the keeper light the lamp?" });
  expect(answer).toMatchObject({ noResult: false });
  expect(answer.relevantSources.map((s: { documentId: string }) => s.documentId)).toContain(DOCUMENT);

  const code = await stop(server);
  server = undefined;
  expect(code).toBe(0);

  server = await start();
  const status = await fetch(`${server.url}/upload-status?documentId=${DOCUMENT}`);
  expect(await status.json()).toMatchObject({ completed: true, document_id: DOCUMENT });
  const found = await postJson(server.url, "/search", { query: "lighthouse keeper lamp", limit: 5 });
  expect(found.results.map((r: { documentId: string }) => r.documentId)).toContain(DOCUMENT);
});

/** Starts the server and resolves once it prints "listening" (bounded by STARTUP_MS). */
async function start(): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", "functions/node.ts"], {
    cwd: ROOT,
    // Deliberately no DATABASE_URL, DB_TRANSPORT or model settings: the defaults are under test.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dataRoot,
      PGLITE_DIR: path.join(dataRoot, "pglite"),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not start within ${STARTUP_MS} ms; output:\n${output}`));
    }, STARTUP_MS);
    const check = () => {
      if (!output.includes("listening")) return;
      clearTimeout(timer);
      child.stdout.off("data", check);
      resolve();
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening; output:\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

/** SIGTERM, then the exit code; SIGKILL if it has not exited within 15 s. */
function stop(server: Server): Promise<number | null> {
  const { child } = server;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill("SIGTERM");
  });
}

async function waitForCompleted(url: string): Promise<Record<string, unknown>> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${url}/upload-status?documentId=${DOCUMENT}`);
    last = await res.json();
    const status = last as { completed?: boolean; failed?: boolean };
    if (status.completed || status.failed) return status as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ingested after 10 s; last status: ${JSON.stringify(last)}`);
}

// biome-ignore lint/suspicious/noExplicitAny: the response shapes are asserted by the test itself.
async function postJson(url: string, route: string, body: unknown): Promise<any> {
  const res = await fetch(`${url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

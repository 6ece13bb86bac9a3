/**
 * `npm start` runs a prebuilt bundle: the esbuild output of functions/node.ts serves, ingests every extractor's
 * format (text, PDF through the bundled pdf.js) and searches against a real PostgreSQL through the local Neon
 * proxy; the start script rebuilds exactly when the bundle is missing or older than a source.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript build script without type declarations
import { bundleOptions, ENTRIES, isStale, ROOT } from "../../../scripts/build.mjs";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { buildPdf } from "../../fixtures/pdf.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";

let outdir: string;
let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let child: ChildProcess | undefined;
let base = "";

beforeAll(async () => {
  outdir = await mkdtemp(path.join(tmpdir(), "sm-bundle-"));
  await build(bundleOptions({ node: ENTRIES.node, "thread-entry": ENTRIES["thread-entry"] }, outdir));
  database = await createTestDatabase("smbundle");
  proxy = await startNeonProxy();
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  await proxy?.close();
  await database?.drop();
  await rm(outdir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("the bundled Node server", () => {
  it("serves, ingests text and PDF, and searches", async () => {
    const port = 20400 + Math.floor(Math.random() * 100);
    base = `http://127.0.0.1:${port}`;
    let output = "";
    child = spawn(process.execPath, [path.join(outdir, "node.mjs")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: database.url,
        DB_TRANSPORT: "pool",
        NEON_LOCAL_PROXY: proxy.address,
        PORT: String(port),
        JOBS_INTERVAL_MS: "0",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => (output += c));
    child.stderr?.on("data", (c: Buffer) => (output += c));
    await waitFor("listening", async () => (output.includes("listening") ? true : undefined));

    const form = new FormData();
    form.append("index", "bundle");
    form.append("documentId", "pdf-and-text");
    form.append(
      "file0",
      new Blob([Buffer.from(buildPdf([["The lighthouse keeper trims the lamp at dusk"]]))]),
      "keeper.pdf",
    );
    form.append("file1", new Blob(["Herons wade through the estuary at low tide."]), "herons.txt");
    const upload = await fetch(`${base}/upload`, { method: "POST", body: form });
    expect(upload.status, output).toBe(202);

    const status = await waitFor("the document", async () => {
      const res = await fetch(`${base}/upload-status?index=bundle&documentId=pdf-and-text`);
      const body = (await res.json()) as { completed?: boolean; failed?: boolean };
      return body.completed || body.failed ? body : undefined;
    });
    expect(status, output).toMatchObject({ completed: true, failed: false });

    for (const [query, file] of [
      ["lighthouse keeper lamp", "keeper.pdf"],
      ["herons estuary tide", "herons.txt"],
    ]) {
      const res = await fetch(`${base}/search`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ index: "bundle", query, limit: 1 }),
      });
      const found = (await res.json()) as { results: Array<{ sourceName: string }> };
      expect(found.results[0]?.sourceName).toBe(file);
    }
  }, 120_000);
});

describe("npm start's staleness check", () => {
  it("rebuilds when the bundle is missing or older than a source, not otherwise", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "sm-stale-"));
    try {
      const dist = path.join(root, "dist");
      await mkdir(path.join(root, "lib"), { recursive: true });
      await mkdir(dist);
      const source = path.join(root, "lib", "a.ts");
      await writeFile(source, "export {};");
      await writeFile(path.join(root, "package.json"), "{}");
      const past = new Date(Date.now() - 60_000);
      await utimes(source, past, past);
      await utimes(path.join(root, "package.json"), past, past);
      expect(await isStale(root, dist)).toBe(true);
      for (const name of Object.keys(ENTRIES)) await writeFile(path.join(dist, `${name}.mjs`), "");
      expect(await isStale(root, dist)).toBe(false);
      const future = new Date(Date.now() + 60_000);
      await utimes(source, future, future);
      expect(await isStale(root, dist)).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/**
 * The `serverless-memory` CLI as a user runs it: a child process
 * (`node scripts/cli.mjs …`) against the real Node server on a fresh database,
 * in a temporary working folder that holds the files and the ingest manifest.
 * Its stdout is not a terminal here, so progress is one line per file.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../helpers/api.js";

const CLI = fileURLToPath(new URL("../../scripts/cli.mjs", import.meta.url));
const API_KEY = "cli-test-key-7f3a9c";
const INDEX = "cli-notes";

type Run = { code: number | null; stdout: string; stderr: string };

let api: ApiServer;
let work: string;

/** Runs the CLI in `work` with only the environment a user would have, bounded to 60 s. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: work,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? work, SERVERLESS_MEMORY_API_KEY: API_KEY, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const ingest = (...extra: string[]) => cli(["ingest", "notes", "--url", api.url, "--index", INDEX, ...extra]);

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: API_KEY }, `Bearer ${API_KEY}`);
  work = await mkdtemp(path.join(tmpdir(), "sm-cli-"));
  const notes = path.join(work, "notes");
  await mkdir(path.join(notes, "guides"), { recursive: true });
  await writeFile(
    path.join(notes, "pools.md"),
    "# Pools\n\nThe service creates one database pool per instance and reuses it, so connections never fan out.",
  );
  await writeFile(path.join(notes, "fruit.txt"), "Bananas are a yellow fruit that grows in tropical climates.");
  await writeFile(path.join(notes, "guides", "deploy.md"), "# Deploy\n\nDeploy the worker with wrangler deploy.");
  await writeFile(path.join(notes, ".secret.md"), "a hidden file that must never be uploaded");
  await writeFile(path.join(notes, "logo.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
});

afterAll(async () => {
  await api?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("ingest", () => {
  it("uploads every supported file once, waits for processing, and reports what it skipped", async () => {
    const run = await ingest("--tag", "team:docs");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("skipped   notes/.secret.md: hidden file");
    expect(run.stdout).toContain("skipped   notes/logo.png: unsupported type .png");
    expect(run.stdout).toMatch(/^\[\d\/3\] new {7}notes\/pools\.md → notes_pools\.md$/m);
    expect(run.stdout).toMatch(/^\[\d\/3\] new {7}notes\/guides\/deploy\.md → notes_guides_deploy\.md$/m);
    expect(run.stdout).toMatch(/^\[\d\/3\] new {7}notes\/fruit\.txt → notes_fruit\.txt$/m);
    expect(run.stdout).toContain(
      `done: 3 files in index "${INDEX}" — 3 new, 0 updated, 0 unchanged, 0 failed (2 skipped)`,
    );

    // The documents are ready (not just accepted) when the command returns, with the tag.
    const status = await api.call(`/upload-status?index=${INDEX}&documentId=notes_guides_deploy.md`);
    expect(await status.json()).toMatchObject({ completed: true, failed: false, tags: { team: ["docs"] } });
    const manifest = JSON.parse(await readFile(path.join(work, ".serverless-memory/ingest-manifest.json"), "utf8"));
    expect(Object.keys(manifest.services[api.url][INDEX]).sort()).toEqual([
      "notes_fruit.txt",
      "notes_guides_deploy.md",
      "notes_pools.md",
    ]);
  });

  it("re-running reports every file unchanged and uploads nothing", async () => {
    const before = await api.call(`/upload-status?index=${INDEX}&documentId=notes_pools.md`);
    const { last_update } = (await before.json()) as { last_update: string };
    const run = await ingest("--tag", "team:docs");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("0 new, 0 updated, 3 unchanged, 0 failed (2 skipped)");
    const after = await api.call(`/upload-status?index=${INDEX}&documentId=notes_pools.md`);
    expect(((await after.json()) as { last_update: string }).last_update).toBe(last_update);
  });

  it("re-uploads only the file that changed, under the same document id", async () => {
    await writeFile(
      path.join(work, "notes", "fruit.txt"),
      "Bananas are a yellow fruit. Mangoes are orange inside and sweet.",
    );
    const run = await ingest("--tag", "team:docs");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\[\d\/3\] updated {3}notes\/fruit\.txt → notes_fruit\.txt$/m);
    expect(run.stdout).toContain("0 new, 1 updated, 2 unchanged, 0 failed (2 skipped)");
  });

  it("counts a file the server cannot process as failed, with its error, and exits 1", async () => {
    await mkdir(path.join(work, "broken"), { recursive: true });
    await writeFile(path.join(work, "broken", "scan.pdf"), "this is not a PDF at all");
    await writeFile(path.join(work, "broken", "ok.txt"), "A fine text file.");
    const run = await cli(["ingest", "broken", "--url", api.url, "--index", "cli-broken"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^\[\d\/2\] failed {4}broken\/scan\.pdf: \S.+$/m);
    expect(run.stdout).toContain("1 new, 0 updated, 0 unchanged, 1 failed (0 skipped)");
    // Not recorded as done, so the next run tries it again.
    const again = await cli(["ingest", "broken", "--url", api.url, "--index", "cli-broken"]);
    expect(again.stdout).toContain("0 new, 0 updated, 1 unchanged, 1 failed");
  });
});

describe("search, ask, status, indexes", () => {
  it("search finds the document and honours tag filters", async () => {
    const run = await cli(["search", "yellow bananas", "--url", api.url, "--index", INDEX, "--filter", "team:docs"]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toMatch(/^1\. fruit\.txt {2}\[notes_fruit\.txt, index cli-notes\]/);

    const json = await cli(["search", "yellow bananas", "--url", api.url, "--index", INDEX, "--limit", "1", "--json"]);
    const result = JSON.parse(json.stdout) as { results: Array<{ documentId: string }> };
    expect(result.results.map((r) => r.documentId)).toEqual(["notes_fruit.txt"]);

    const none = await cli(["search", "bananas", "--url", api.url, "--index", INDEX, "--filter", "team:other"]);
    expect(none).toMatchObject({ code: 0, stdout: "no results\n" });
  });

  it("ask answers with a citation to the document, as JSON and streamed", async () => {
    const question = ["ask", "What colour are bananas?", "--url", api.url, "--index", INDEX];
    const json = await cli([...question, "--json"]);
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout) as { noResult: boolean; relevantSources: Array<{ documentId: string }> };
    expect(answer.noResult).toBe(false);
    expect(answer.relevantSources[0]!.documentId).toBe("notes_fruit.txt");

    const streamed = await cli([...question, "--stream"]);
    expect(streamed.code).toBe(0);
    expect(streamed.stdout).toContain("Bananas are a yellow fruit");
    expect(streamed.stdout).toMatch(/Cited documents:\n1\. fruit\.txt {2}\[notes_fruit\.txt, index cli-notes\]/);
  });

  it("status shows a document's pipeline; an unknown one exits 1", async () => {
    const run = await cli(["status", "notes_pools.md", "--url", api.url, "--index", INDEX]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("notes_pools.md in index cli-notes: completed");
    const missing = await cli(["status", "no-such-doc", "--url", api.url, "--index", INDEX]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no document "no-such-doc" in index "cli-notes"');
  });

  it("indexes lists the index names, one per line; SERVERLESS_MEMORY_URL stands in for --url", async () => {
    const run = await cli(["indexes"], { SERVERLESS_MEMORY_URL: api.url });
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")).toContain(INDEX);
  });
});

describe("failures", () => {
  it("a rejected or missing API key exits 1 with a hint, and never prints the key", async () => {
    const wrong = "wrong-key-do-not-print";
    const run = await cli(["indexes", "--url", api.url, "--key", wrong]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/GET \/indexes answered 401: .*--key/);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    const missing = await cli(["indexes", "--url", api.url], { SERVERLESS_MEMORY_API_KEY: "" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("401");
  });

  it("a server that is down exits 1 with a readable message", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await cli(["ingest", "notes", "--url", url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the server at ${url} (ECONNREFUSED). Is it running?`);
    expect(run.stderr).not.toContain("    at ");
  });

  it.each([
    [[], "a command is required"],
    [["teleport"], 'unknown command "teleport"'],
    [["ingest"], "ingest needs at least one file or folder"],
    [["ingest", "no-such-folder"], "no such file or folder: no-such-folder"],
    [["ingest", "notes", "--document-id-from", "random"], "--document-id-from takes path or hash"],
    [["search"], "search needs a query"],
    [["search", "q", "--limit", "many"], "--limit must be a whole number"],
    [["search", "q", "--stream"], '--stream is not an option of "search"'],
    [["ask", "q", "--filter", "novalue"], "--filter takes key:value"],
    [["indexes", "--bogus"], "Unknown option '--bogus'"],
    [["indexes", "--url", "not a url"], "--url is not a URL"],
  ])("usage error %j exits 2", async (args, message) => {
    const run = await cli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("--help");
  });

  it("--help prints the usage and exits 0", async () => {
    const run = await cli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage:/m);
    for (const command of ["ingest", "search", "ask", "status", "indexes"]) expect(run.stdout).toContain(command);
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

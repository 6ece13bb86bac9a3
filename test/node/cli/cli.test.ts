/**
 * The `serverless-memory` CLI as a user runs it: a child process
 * (`node scripts/cli.mjs …`) against the real Node server on a fresh database,
 * in a temporary working folder that holds the files and the ingest manifest.
 * Its stdout is not a terminal here, so progress is one line per file.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import type { ApiServer } from "../../helpers/api.js";
import { cliIn, closedPort, ENTRYPOINT, exists, INDEX, TSX, useCliStack } from "../../helpers/cli-run.js";
import { createTestDatabase } from "../../helpers/database.js";

const fx = useCliStack();
const { cli, ingest } = cliIn(fx);
let api: ApiServer;
let work: string;

beforeAll(() => {
  ({ api, work } = fx);
});

describe("ingest", () => {
  it("uploads every supported file once, waits for processing, and reports what it skipped", async () => {
    const run = await ingest("--tag", "team:docs");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("skipped   notes/.secret.md: hidden file");
    expect(run.stdout).toContain("skipped   notes/logo.gif: unsupported type .gif");
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

describe("documents, delete, ingest --prune, search -n", () => {
  it("documents lists every document with its state, and says why one is not done", async () => {
    const run = await cli(["documents", "--url", api.url, "--index", INDEX]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^notes_fruit\.txt {2}completed {2}fruit\.txt {2}\(updated .+\)$/m);
    expect(run.stdout).toMatch(/^notes_pools\.md {2}completed {2}pools\.md/m);
    expect(run.stdout).toMatch(/^\d+ documents in index "cli-notes"$/m);
    // The file the server could not process (ingested into cli-broken above) is listed with its step and error.
    const broken = await cli(["documents", "--url", api.url, "--index", "cli-broken"]);
    expect(broken.stdout).toMatch(/^broken_scan\.pdf {2}failed {2}scan\.pdf/m);
    expect(broken.stdout).toMatch(/^ {2}Failed at step extract after 1 attempt: \S/m);
    const json = await cli(["documents", "--url", api.url, "--index", INDEX, "--json"]);
    const parsed = JSON.parse(json.stdout) as { documents: Array<{ documentId: string }> };
    expect(parsed.documents.map((d) => d.documentId)).toContain("notes_fruit.txt");
  });

  it("search -n counts documents, not passages", async () => {
    // Long enough for several passages (chunks of ~1000 tokens), all about yellow tropical fruit: the top
    // passages come from this one document, so a limit counted in passages would print one document.
    const paragraph = (i: number) =>
      `Yellow fruit note ${i}: bananas, lemons and mangoes are yellow fruit that ripen in tropical climates. `.repeat(
        12,
      );
    await writeFile(
      path.join(work, "notes", "yellow.md"),
      `# Yellow\n\n${Array.from({ length: 30 }, (_, i) => paragraph(i)).join("\n\n")}`,
    );
    expect((await ingest()).code).toBe(0);
    const all = await cli(["search", "yellow fruit tropical", "--url", api.url, "--index", INDEX, "--json"]);
    const results = (JSON.parse(all.stdout) as { results: Array<{ documentId: string; partitions: unknown[] }> })
      .results;
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results[0]).toMatchObject({ documentId: "notes_yellow.md" });
    expect(results[0]!.partitions.length).toBeGreaterThanOrEqual(3);
    for (const n of [1, 2]) {
      const run = await cli(["search", "yellow fruit tropical", "--url", api.url, "--index", INDEX, "-n", String(n)]);
      expect(run.code).toBe(0);
      expect(run.stdout.match(/^\d+\. /gm)?.length).toBe(n);
    }
  });

  it("delete removes a document from the service and from the manifest", async () => {
    const run = await cli(["delete", "notes_yellow.md", "--url", api.url, "--index", INDEX]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`done: 1 document deleted from index "${INDEX}"`);
    const listed = await cli(["documents", "--url", api.url, "--index", INDEX]);
    expect(listed.stdout).not.toContain("notes_yellow.md");
    const manifest = await readFile(path.join(work, ".serverless-memory", "ingest-manifest.json"), "utf8");
    expect(manifest).not.toContain("notes_yellow.md");
    // The file is still here: the next ingest uploads it as new.
    expect((await ingest()).stdout).toMatch(/new {7}notes\/yellow\.md → notes_yellow\.md/);
  });

  it("ingest --prune lists documents whose files are gone (dry run); --yes deletes them", async () => {
    await rm(path.join(work, "notes", "yellow.md"));
    const dry = await ingest("--prune");
    expect(dry.stdout).toContain("would prune notes/yellow.md → notes_yellow.md");
    expect(dry.stdout).toContain("prune (dry run): 1 document would be deleted; run again with --prune --yes");
    expect((await cli(["documents", "--url", api.url, "--index", INDEX])).stdout).toContain("notes_yellow.md");

    const real = await ingest("--prune", "--yes");
    expect(real.stdout).toContain("pruned   notes/yellow.md → notes_yellow.md");
    expect(real.stdout).toContain("prune: 1 document deleted");
    expect((await cli(["documents", "--url", api.url, "--index", INDEX])).stdout).not.toContain("notes_yellow.md");
    // Files still on disk are never candidates; nothing left to prune.
    expect((await ingest("--prune")).stdout).toContain("prune: no documents whose files are gone");
    const usage = await ingest("--yes");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--yes only confirms --prune");
  });

  it("--url defaults to what `npm start` recorded while it runs, else to PORT", async () => {
    const api2 = new URL(api.url);
    // Nothing recorded: PORT picks the server.
    const byPort = await cli(["indexes"], { PORT: api2.port });
    expect(byPort.code).toBe(0);
    expect(byPort.stdout.split("\n")).toContain(INDEX);

    // The Node entrypoint records its URL in the working folder, and removes it when it stops.
    const database = await createTestDatabase("smcliurl");
    const proxy = await startNeonProxy();
    const child = spawn(process.execPath, ["--import", TSX, ENTRYPOINT], {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: database.url,
        DB_TRANSPORT: "pool",
        NEON_LOCAL_PROXY: proxy.address,
        PORT: "0",
        LOG_LEVEL: "error",
        JOBS_INTERVAL_MS: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      child.stdout.on("data", (chunk) => {
        out += chunk;
      });
      for (let i = 0; i < 300 && !/listening on (\S+)/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      const printed = /listening on (\S+)/.exec(out)?.[1];
      expect(printed).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const state = path.join(work, ".serverless-memory", "server.json");
      for (let i = 0; i < 50 && !(await exists(state)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(JSON.parse(await readFile(state, "utf8"))).toMatchObject({ url: printed, pid: child.pid });
      // No --url, no SERVERLESS_MEMORY_URL; PORT points elsewhere: the recorded URL wins while that server runs.
      const run = await cli(["indexes", "--json"], { PORT: String(await closedPort()) });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ results: [] });

      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      expect(await exists(state)).toBe(false);
    } finally {
      child.kill("SIGKILL");
      await proxy.close();
      await database.drop();
    }
  });
});

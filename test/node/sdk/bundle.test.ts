/**
 * `serverless-memory/client` is one ES module with no imports at all (so nothing Node-only), and it runs in a
 * real browser (Debian's Chromium through playwright-core): upload, wait, search, and the streamed answer read
 * through `fetch`'s body. The adapters import only their peer dependencies.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript build script without type declarations
import { buildSdk, SDK_EXTERNAL } from "../../../scripts/build-sdk.mjs";
import { type ApiServer, startApiServer } from "../../helpers/api.js";

const CHROMIUM = "/usr/bin/chromium";
let outdir: string;
let imports: Record<string, string[]>;
let api: ApiServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup-chromium.sh (as root) to install Debian's Chromium.`);
  }
  outdir = await mkdtemp(path.join(tmpdir(), "sm-sdk-"));
  const { metafile } = await buildSdk(outdir);
  imports = Object.fromEntries(
    Object.entries(metafile.outputs as Record<string, { imports: Array<{ path: string }> }>).map(([file, out]) => [
      path.basename(file),
      out.imports.map((i) => i.path),
    ]),
  );
  api = await startApiServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe("the client bundle", () => {
  it("imports nothing, and the adapters import only their peer dependencies", () => {
    expect(imports["client.mjs"]).toEqual([]);
    const node = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const peers = (SDK_EXTERNAL as string[]).map((p) => p.replace("/*", ""));
    for (const [file, paths] of Object.entries(imports)) {
      for (const p of paths) {
        expect(node.has(p), `${file} imports ${p}`).toBe(false);
        const local = p.startsWith("./chunk-");
        expect(local || peers.some((peer) => p === peer || p.startsWith(`${peer}/`)), `${file} imports ${p}`).toBe(
          true,
        );
      }
    }
  });

  it("runs in Chromium: uploads, waits, searches and streams an answer", async () => {
    const code = await readFile(path.join(outdir, "client.mjs"), "utf8");
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.route(`${api.url}/__sdk/client.mjs`, (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: code }),
    );
    await page.goto(`${api.url}/health`);
    // A string, not a function: vitest would rewrite a function's `import()` into its own loader.
    const script = `(async (url) => {
      const sdk = await import(url + "/__sdk/client.mjs");
      const memory = sdk.createMemoryClient({ url });
      const accepted = await memory.upload({
        index: "browser",
        documentId: "fruit",
        files: [new File(["Bananas are a yellow fruit."], "fruit.txt")],
      });
      const status = await memory.waitForDocument(accepted, { timeoutMs: 60000 });
      const found = await memory.search({ index: "browser", query: "yellow fruit" });
      const states = [];
      for await (const event of memory.askStream({ index: "browser", question: "What colour are bananas?" })) {
        states.push(event.streamState);
      }
      const bad = await memory.search({ index: "browser", query: "x", limit: 1.5 }).catch((e) => e);
      return {
        completed: status.completed,
        top: found.results[0]?.documentId,
        states,
        error: { name: bad.name, status: bad.status, isProblem: bad instanceof sdk.ProblemError },
      };
    })(${JSON.stringify(api.url)})`;
    const result = (await page.evaluate(script)) as { states: string[] };
    expect(errors).toEqual([]);
    expect(result).toMatchObject({
      completed: true,
      top: "fruit",
      error: { name: "ProblemError", status: 400, isProblem: true },
    });
    expect(result.states[0]).toBe("reset");
    expect(result.states.at(-1)).toBe("last");
  });
});

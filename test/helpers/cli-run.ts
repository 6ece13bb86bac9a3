/**
 * @module
 * Shared setup of the CLI tests (test/node/cli/): an API server with a key, a working folder holding a small
 * notes tree, and the CLI run there as a user would run it (only PATH, HOME and the key in its environment).
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { type ApiServer, startApiServer } from "./api.js";

export const CLI = fileURLToPath(new URL("../../scripts/cli.mjs", import.meta.url));
export const API_KEY = "cli-test-key-7f3a9c";
export const INDEX = "cli-notes";

export type Run = { code: number | null; stdout: string; stderr: string };

export type CliStack = { api: ApiServer; work: string };

/** Runs the CLI as a child process in `cwd` with exactly `env`, killed after `timeoutMs`. */
export function runCli(
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs,
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

/** Starts the server and writes the notes tree before the file's tests; removes both after. */
export function useCliStack(): CliStack {
  const fx = {} as CliStack;
  beforeAll(async () => {
    fx.api = await startApiServer({ API_KEYS: API_KEY }, `Bearer ${API_KEY}`);
    fx.work = await mkdtemp(path.join(tmpdir(), "sm-cli-"));
    const notes = path.join(fx.work, "notes");
    await mkdir(path.join(notes, "guides"), { recursive: true });
    await writeFile(
      path.join(notes, "pools.md"),
      "# Pools\n\nThe service creates one database pool per instance and reuses it, so connections never fan out.",
    );
    await writeFile(path.join(notes, "fruit.txt"), "Bananas are a yellow fruit that grows in tropical climates.");
    await writeFile(path.join(notes, "guides", "deploy.md"), "# Deploy\n\nDeploy the worker with wrangler deploy.");
    await writeFile(path.join(notes, ".secret.md"), "a hidden file that must never be uploaded");
    await writeFile(path.join(notes, "logo.gif"), new TextEncoder().encode("GIF89a\x01\x00\x01\x00"));
  });

  afterAll(async () => {
    await fx.api?.close();
    if (fx.work) await rm(fx.work, { recursive: true, force: true });
  });
  return fx;
}

/** The CLI run in the stack's working folder, and `ingest` of its notes into INDEX. */
export function cliIn(fx: CliStack) {
  /** Runs the CLI in `work` with only the environment a user would have, bounded to 60 s. */
  function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
    const home = process.env.HOME ?? fx.work;
    const base = { PATH: process.env.PATH ?? "", HOME: home, SERVERLESS_MEMORY_API_KEY: API_KEY };
    return runCli(args, { cwd: fx.work, env: { ...base, ...env }, timeoutMs: 60_000 });
  }

  const ingest = (...extra: string[]) => cli(["ingest", "notes", "--url", fx.api.url, "--index", INDEX, ...extra]);
  return { cli, ingest };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const TSX = pathToFileURL(
  fileURLToPath(new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url)),
).href;
export const ENTRYPOINT = fileURLToPath(new URL("../../functions/node.ts", import.meta.url));

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

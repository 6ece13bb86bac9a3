/**
 * @module
 * Child processes the benchmarks start: the service exactly as `npm start` runs it (`node --import tsx
 * functions/node.ts`), the baseline app, and the local Neon proxy. Each is ours to stop by its own pid.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../../lib/config/env.js";
import { freePort } from "../../test/helpers/free-port.js";

// One helper for tests and benches; re-exported for the benches that start services of their own.
export { freePort };

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type Child = { proc: ChildProcess; output: () => string; stop(): Promise<void> };

export type Service = Child & { port: number; url: string };

// Children still running when the bench process exits (even by a crash) are killed, never left orphaned.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts `node --import tsx <entry> ...args` from the repository root with `env` added to ours. */
export function spawnTsx(entry: string, env: Record<string, string>, args: string[] = []): Child {
  return spawnNode(["--import", "tsx", entry, ...args], env);
}

/** Starts `node <nodeArgs>` from the repository root with `env` added to ours. */
export function spawnNode(nodeArgs: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, nodeArgs, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(proc);
  proc.once("exit", () => running.delete(proc));
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8_000);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  return { proc, output: () => output, stop: () => stopChild(proc) };
}

async function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers 2xx (or the child dies, or `timeoutMs` passes). */
export async function waitForHttp(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.proc.exitCode !== null)
      throw new Error(`process exited early (${child.proc.exitCode}):\n${child.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${child.output()}`);
}

export type ServiceEnv = {
  databaseUrl: string;
  proxy: string;
  poolMax: number;
  applicationName: string;
  /** `MAX_IN_FLIGHT`: every benchmark decides whether it may shed (docs/adr/0005-overload.md); see `admitAll`. */
  maxInFlight: number;
  extra?: Record<string, string>;
};

/** A `MAX_IN_FLIGHT` that sheds nothing at `concurrency` requests on one instance: the default or more. */
export const admitAll = (concurrency: number) => Math.max(parseConfig({}).MAX_IN_FLIGHT, concurrency);

/** The service as `npm start` runs it, on a free port, ready when `/health` answers. */
export async function startService(env: ServiceEnv): Promise<Service> {
  const port = await freePort();
  const child = spawnTsx("functions/node.ts", serviceEnv(env, port));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(child, `${url}/health`);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { ...child, port, url };
}

export function serviceEnv(env: ServiceEnv, port: number): Record<string, string> {
  return {
    PORT: String(port),
    DATABASE_URL: env.databaseUrl,
    DB_TRANSPORT: "pool",
    DB_POOL_MAX: String(env.poolMax),
    DB_APPLICATION_NAME: env.applicationName,
    MAX_IN_FLIGHT: String(env.maxInFlight),
    NEON_LOCAL_PROXY: env.proxy,
    LOG_LEVEL: "warn",
    ...env.extra,
  };
}

/** The local Neon-compatible proxy (dev tooling) in its own process, so it does not share the load generator's loop. */
export async function startProxyProcess(): Promise<Child & { address: string }> {
  const port = await freePort();
  const child = spawnTsx("scripts/neon-proxy.ts", {}, ["--port", String(port)]);
  const until = Date.now() + 20_000;
  while (!child.output().includes("listening")) {
    if (child.proc.exitCode !== null || Date.now() > until) {
      await child.stop();
      throw new Error(`neon proxy did not start:\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ...child, address: `127.0.0.1:${port}` };
}

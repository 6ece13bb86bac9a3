/**
 * @module
 * The Node server as a child process, started the way `npm start` starts it (tsx on an entry file), with the
 * event-loop probe preloaded (`loop-probe.mjs`): the reliability suite reads the server's own worst event-loop
 * delay and peak RSS over IPC, and can see it die and start it again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// Re-exported: the suites that start a server process pick its port with it.
export { freePort } from "./free-port.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Delay and RSS peak since the last reset; `peakRssMb` is the process's lifetime peak (start-up included). */
export type Probe = {
  maxLoopDelayMs: number;
  windowPeakRssMb: number;
  peakRssMb: number;
  rssMb: number;
  /** Peak of `process.memoryUsage().arrayBuffers` since the last reset (buffers outside the JS heap). */
  windowPeakArrayBuffersMb?: number;
};

export type ServerProcess = {
  url: string;
  child: ChildProcess;
  /** Resolves when the process exits, with how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  probe(): Promise<Probe>;
  resetProbe(): Promise<void>;
  output(): string;
  /** SIGTERM (SIGKILL after 15 s); resolves with the exit code. */
  stop(): Promise<number | null>;
};

export async function startServerProcess(options: {
  entry: string;
  env: Record<string, string>;
  port: number;
  startupMs?: number;
}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", "./test/helpers/loop-probe.mjs", options.entry],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        PORT: String(options.port),
        HOST: "127.0.0.1",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const startupMs = options.startupMs ?? 120_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not start within ${startupMs} ms; output:\n${output}`));
    }, startupMs);
    const check = () => {
      if (!output.includes("listening")) return;
      clearTimeout(timer);
      child.stdout!.off("data", check);
      resolve();
    };
    child.stdout!.on("data", check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening; output:\n${output}`));
    });
  });
  const ask = <T>(message: string, key: string) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${message} answer from the server`)), 30_000);
      const onMessage = (reply: Record<string, unknown>) => {
        if (!(key in reply)) return;
        clearTimeout(timer);
        child.off("message", onMessage);
        resolve(reply as T);
      };
      child.on("message", onMessage);
      child.send(message);
    });
  return {
    url: `http://127.0.0.1:${options.port}`,
    child,
    exited,
    probe: () => ask<Probe>("report", "maxLoopDelayMs"),
    resetProbe: () => ask<unknown>("reset", "reset").then(() => undefined),
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.kill("SIGTERM");
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

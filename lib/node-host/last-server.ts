/**
 * @module
 * Where the last `npm start` listens, so the CLI finds it without `--url`:
 * the Node server records its URL and process id in
 * `.serverless-memory/server.json` (beside the CLI's ingest manifest, in the
 * working folder) and removes it on shutdown; the CLI trusts the file only
 * while that process is alive.
 *
 * @example
 * await recordServer(process.cwd(), "http://127.0.0.1:8787");
 * readLastServer(process.cwd()); // "http://127.0.0.1:8787" while that server runs
 */
import { readFileSync, rmSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export const SERVER_STATE_PATH = path.join(".serverless-memory", "server.json");

type ServerState = { url: string; pid: number; startedAt: string };

export async function recordServer(cwd: string, url: string): Promise<void> {
  const file = path.join(cwd, SERVER_STATE_PATH);
  await mkdir(path.dirname(file), { recursive: true });
  const state: ServerState = { url, pid: process.pid, startedAt: new Date().toISOString() };
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, file);
}

/** Removes the record if it is this process's (a newer server may have replaced it). Synchronous: runs on exit. */
export function forgetServer(cwd: string): void {
  const file = path.join(cwd, SERVER_STATE_PATH);
  if (read(file)?.pid === process.pid) rmSync(file, { force: true });
}

/** The URL of the server that wrote the record, if that process is still running. */
export function readLastServer(cwd: string): string | undefined {
  const state = read(path.join(cwd, SERVER_STATE_PATH));
  if (!state || !alive(state.pid)) return undefined;
  return state.url;
}

function read(file: string): ServerState | undefined {
  try {
    const state = JSON.parse(readFileSync(file, "utf8")) as Partial<ServerState>;
    return typeof state.url === "string" && Number.isInteger(state.pid) ? (state as ServerState) : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * @module
 * A Worker as Cloudflare receives it: `wrangler deploy --dry-run --outdir` (no upload, metrics off), sized
 * raw and gzipped (Cloudflare's limits apply to the compressed size: 3 MiB free, 10 MiB paid).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT } from "./processes.js";

export type WorkerBundle = { outdir: string; main: string; rawKiB: number; gzipKiB: number; files: string[] };

/** Builds the Worker of `config` with `wrangler deploy --dry-run` into a temporary folder, hands it to `use`, removes it. */
export async function withWorkerBundle<T>(config: string, use: (bundle: WorkerBundle) => Promise<T> | T): Promise<T> {
  const outdir = await mkdtemp(join(tmpdir(), "smb-wrangler-"));
  try {
    await new Promise<void>((resolve, reject) => {
      const proc = spawn(
        join(REPO_ROOT, "node_modules/.bin/wrangler"),
        ["deploy", "--dry-run", "-c", config, "--outdir", outdir],
        {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            WRANGLER_SEND_METRICS: "false",
            WRANGLER_HIDE_BANNER: "true",
            CLOUDFLARE_CF_FETCH_ENABLED: "false",
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      proc.stdout.on("data", (c: Buffer) => (output += c));
      proc.stderr.on("data", (c: Buffer) => (output += c));
      const timer = setTimeout(() => proc.kill("SIGKILL"), 180_000);
      proc.once("exit", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`wrangler exited with ${code}:\n${output.slice(-2000)}`));
      });
    });
    let raw = 0;
    let gz = 0;
    const files: string[] = [];
    for (const name of await readdir(outdir, { recursive: true })) {
      const path = join(outdir, name);
      if (!/\.(m?js|wasm)$/.test(name) || !(await stat(path)).isFile()) continue;
      const bytes = await readFile(path);
      raw += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
      files.push(name);
    }
    const main = files.find((f) => f.endsWith(".js"));
    if (!main) throw new Error(`wrangler emitted no script for ${config}`);
    return await use({ outdir, main: join(outdir, main), rawKiB: raw / 1024, gzipKiB: gz / 1024, files });
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/**
 * The Worker bundles: `wrangler deploy --dry-run` catches bundling errors (a
 * Node-only import reaching functions/worker.ts, say) and the gzipped size must
 * stay under Workers' 3 MiB free-plan limit.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const FREE_PLAN_LIMIT = 3 * 1024 * 1024;

describe("worker bundle", () => {
  it("builds with wrangler and stays under the 3 MiB gzipped limit", async () => {
    const out = await mkdtemp(join(tmpdir(), "sm-bundle-"));
    try {
      const { stdout } = await run("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out], {
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: "false",
          WRANGLER_HIDE_BANNER: "true",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
        },
        timeout: 120_000,
      });
      expect(stdout).toContain("--dry-run: exiting now.");
      let gzipped = 0;
      for (const file of await readdir(out)) {
        if (file.endsWith(".map")) continue;
        gzipped += gzipSync(await readFile(join(out, file))).byteLength;
      }
      console.log(`[measured] worker bundle: ${(gzipped / 1024).toFixed(0)} KiB gzipped`);
      expect(gzipped).toBeGreaterThan(0);
      expect(gzipped).toBeLessThan(FREE_PLAN_LIMIT);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

/**
 * @module
 * Bundles the package's client exports (`serverless-memory/client`, `/langchain`, `/ai-sdk`) from lib/sdk/ into
 * dist/sdk/ as plain ES modules for any runtime (esbuild `platform: "neutral"`): Node, browsers and Workers load
 * the same files. Peer dependencies (@langchain/core, ai, zod) stay imports, so the application's own copies are
 * used. Runs as `prepare` (so `npm ci` and a git install leave a built package), in `npm run build`, and from the
 * examples test when the output is stale. The client is also copied to public/playground/client.mjs (git-ignored),
 * which the playground imports; wrangler.toml's [build] runs this script before `wrangler dev` / `deploy`. Types come from the TypeScript sources (package.json `types` conditions).
 */
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newest } from "./lib/newest.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SDK_DIST = join(ROOT, "dist", "sdk");
export const SDK_ENTRIES = {
  client: "lib/sdk/client/index.ts",
  langchain: "lib/sdk/langchain/index.ts",
  "ai-sdk": "lib/sdk/ai-sdk/index.ts",
};
export const SDK_EXTERNAL = ["@langchain/core", "@langchain/core/*", "ai", "zod"];

export function sdkBuildOptions(outdir = SDK_DIST) {
  return {
    entryPoints: SDK_ENTRIES,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "neutral",
    format: "esm",
    splitting: true,
    chunkNames: "chunk-[hash]",
    target: "es2022",
    external: SDK_EXTERNAL,
    logLevel: "warning",
    absWorkingDir: ROOT,
  };
}

/** The playground (public/) loads the client from beside its own files; Workers Static Assets serve it from there. */
export const PLAYGROUND_CLIENT = join(ROOT, "public", "playground", "client.mjs");

export async function buildSdk(outdir = SDK_DIST) {
  const { build } = await import("esbuild");
  const result = await build({ ...sdkBuildOptions(outdir), metafile: true });
  if (outdir === SDK_DIST) await copyFile(join(SDK_DIST, "client.mjs"), PLAYGROUND_CLIENT);
  return result;
}

/** True when an output is missing or older than lib/sdk/ or the files its types come from. */
export async function sdkIsStale() {
  const outputs = [...Object.keys(SDK_ENTRIES).map((n) => join(SDK_DIST, `${n}.mjs`)), PLAYGROUND_CLIENT];
  const built = await Promise.all(outputs.map((file) => newest(file)));
  if (Math.min(...built) === 0) return true;
  const sources = await Promise.all(["lib/sdk", "scripts/build-sdk.mjs"].map((p) => newest(join(ROOT, p))));
  return Math.max(...sources) > Math.min(...built);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSdk();
}

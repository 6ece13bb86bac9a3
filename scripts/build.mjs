/**
 * @module
 * `npm run build`: bundles the Node entrypoints ahead of time with esbuild into `dist/` (node.mjs, lambda.mjs,
 * vercel.mjs), so a cold start loads one precompiled file instead of transpiling TypeScript on the fly.
 * Plain JavaScript on purpose: `npm start` runs it with bare `node` when the bundle is missing or stale.
 *
 * Everything is bundled except the embedded database (PGlite loads its WebAssembly and data files relative to its
 * own modules, and the service imports it lazily, only without DATABASE_URL).
 *
 * Split into chunks: what the code imports lazily (the PDF and DOCX extractors, the token counter) lands in chunks
 * beside the entries and is read only when first used. In one file it was 6 of the server's 8 MB, parsed on every
 * cold start (BENCHMARKS.md, coldstart). The chunks stay in `dist/` itself, so paths the code resolves from
 * `import.meta.url` (the thread entry, the static assets) are the same from every chunk.
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newest } from "./lib/newest.mjs";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DIST = join(ROOT, "dist");
export const ENTRIES = {
  node: "functions/node.ts",
  lambda: "functions/lambda.ts",
  vercel: "functions/vercel.ts",
  // The extraction worker thread's entry (lib/ingest/node-threads.ts starts it from beside the bundle).
  "thread-entry": "lib/ingest/thread-entry.ts",
  // The embedded database's worker thread (lib/db/pglite-thread.ts starts it from beside the bundle).
  "pglite-thread": "lib/db/pglite-thread-entry.ts",
};
/** What the bundle is made from: any of these newer than the bundle makes it stale. */
const SOURCES = ["functions", "lib", "package.json", "package-lock.json", "scripts/build.mjs"];

// tesseract.js starts its engine thread from a script path inside its own package: it must stay in node_modules.
export const EXTERNAL = [
  "@electric-sql/pglite",
  "@electric-sql/pglite-pgvector",
  "tesseract.js",
  "@tesseract.js-data/eng",
];

/** esbuild options shared with the cold-start benchmark's floor bundle. */
export function bundleOptions(entryPoints, outdir) {
  return {
    entryPoints,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    splitting: true,
    chunkNames: "chunk-[hash]",
    target: "node20",
    external: EXTERNAL,
    // CommonJS dependencies call require() for Node built-ins; an ES module has no require of its own.
    banner: {
      js: "import { createRequire as __smCreateRequire } from 'node:module'; const require = __smCreateRequire(import.meta.url);",
    },
    sourcemap: "linked",
    logLevel: "warning",
    absWorkingDir: ROOT,
  };
}

export async function buildBundles() {
  const { build } = await import("esbuild");
  const { metafile } = await build({ ...bundleOptions(ENTRIES, DIST), metafile: true });
  // Chunk names carry a content hash: drop the ones an earlier build left that this one no longer writes.
  const written = new Set(Object.keys(metafile.outputs).map((p) => p.split("/").pop()));
  for (const name of await readdir(DIST)) {
    if (name.startsWith("chunk-") && !written.has(name)) await rm(join(DIST, name), { force: true });
  }
}

/** True when a bundle is missing or older than any source it is built from. */
export async function isStale(root = ROOT, dist = DIST) {
  const built = await Promise.all(Object.keys(ENTRIES).map((name) => newest(join(dist, `${name}.mjs`))));
  const oldest = Math.min(...built);
  if (oldest === 0) return true;
  const sources = await Promise.all(SOURCES.map((p) => newest(join(root, p))));
  return Math.max(...sources) > oldest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildBundles();
  console.log(
    `built ${Object.keys(ENTRIES)
      .map((n) => `dist/${n}.mjs`)
      .join(", ")} in ${Math.round(performance.now() - started)} ms`,
  );
}

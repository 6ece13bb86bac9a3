/**
 * @module
 * The newest modification time under a path, for the build scripts' staleness checks (scripts/build.mjs,
 * scripts/build-sdk.mjs). Plain JavaScript: `npm start` and `npm ci` (prepare) run those with bare `node`.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** Milliseconds since the epoch of the newest file or directory at or below `path`; 0 when it does not exist. */
export async function newest(path) {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of await readdir(path)) latest = Math.max(latest, await newest(join(path, entry)));
  return latest;
}

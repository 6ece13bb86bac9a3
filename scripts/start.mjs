/**
 * @module
 * `npm start`: runs the prebuilt Node server (dist/node.mjs), building it first when it is missing or older than
 * its sources, so the quick start stays one command. The build runs in a child process, so the server itself
 * never loads esbuild. `npm run dev:node` runs the TypeScript sources with tsx instead.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DIST, isStale, ROOT } from "./build.mjs";

if (await isStale()) {
  execFileSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { stdio: "inherit" });
}
await import(pathToFileURL(join(DIST, "node.mjs")).href);

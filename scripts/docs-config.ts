/**
 * @module
 * `npm run docs:config`: rewrites the README's configuration section from the schema in lib/config
 * (test/node/config/schema.test.ts fails while they differ).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { withConfigSection } from "../lib/config/docs.js";

const path = new URL("../README.md", import.meta.url);
const before = readFileSync(path, "utf8");
const after = withConfigSection(before);
if (after === before) console.log("README.md: configuration section already matches the schema");
else {
  writeFileSync(path, after);
  console.log("README.md: configuration section rewritten from lib/config");
}

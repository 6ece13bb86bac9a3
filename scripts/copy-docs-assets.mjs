#!/usr/bin/env node
// Copies Swagger UI's browser files from the pinned swagger-ui-dist package into
// public/docs/vendor/, where Workers Static Assets serve them (wrangler.toml runs
// this as its [build] command before `wrangler dev` and `wrangler deploy`). The
// Node server reads them straight from node_modules (lib/node-host/static.ts).
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DOCS_VENDOR_FILES = ["swagger-ui-bundle.js", "swagger-ui.css"];

const from = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const to = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "docs", "vendor");
mkdirSync(to, { recursive: true });
for (const file of DOCS_VENDOR_FILES) copyFileSync(join(from, file), join(to, file));

/**
 * @module
 * The Node server's static handler: the files under `public/` (the playground,
 * the API reference page) and Swagger UI's browser files straight from the
 * pinned `swagger-ui-dist` package at `/docs/vendor/`. Workers serve the same
 * files as Static Assets (`[assets]` in wrangler.toml); this handler follows
 * their rules so both runtimes answer alike: `/playground` serves
 * `playground.html`, and `public/_headers` sets the response headers.
 *
 * Only paths that name a file known at startup reach the disk, so API routes
 * cost no file-system lookups.
 *
 * @example
 * createApp({ assets: nodeStaticAssets() });
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, MiddlewareHandler } from "hono";
import { type HeaderRule, headersFor, parseHeadersFile } from "./static-headers.js";

// From the sources this module is lib/node-host/static.ts; inside `npm start`'s bundle it is dist/node.mjs; a
// bundle built elsewhere finds the files from the working directory.
const PUBLIC_DIR =
  [fileURLToPath(new URL("../../public/", import.meta.url)), fileURLToPath(new URL("../public/", import.meta.url))]
    .concat(join(process.cwd(), "public"))
    .find((dir) => existsSync(join(dir, "_headers"))) ?? join(process.cwd(), "public");
const VENDOR_PREFIX = "/docs/vendor/";
/** What public/docs.html loads; the same list scripts/copy-docs-assets.mjs copies for Workers. */
const VENDOR_FILES = ["swagger-ui-bundle.js", "swagger-ui.css"];

export function nodeStaticAssets(publicDir: string = PUBLIC_DIR): MiddlewareHandler {
  const rules = parseHeadersFile(readFileSync(join(publicDir, "_headers"), "utf8"));
  const vendorDir = dirname(
    createRequire(join(publicDir, "..", "package.json")).resolve("swagger-ui-dist/package.json"),
  );
  const onFound = (_path: string, c: Context) => applyHeaders(rules, c);
  // URL path → file path relative to the root it is served from.
  const files = new Map<string, { root: "public" | "vendor"; file: string }>();
  for (const file of listFiles(publicDir)) {
    if (file.split("/").some((part) => part.startsWith("_") || part.startsWith("."))) continue;
    if (file.startsWith(VENDOR_PREFIX.slice(1))) continue; // a copy made for Workers: Node serves the package's own
    files.set(`/${file.replace(/\.html$/, "")}`, { root: "public", file });
  }
  for (const file of VENDOR_FILES) files.set(`${VENDOR_PREFIX}${file}`, { root: "vendor", file });

  const servers = {
    public: serveStatic({ root: publicDir, rewriteRequestPath: (p) => pathOf(files, p), onFound }),
    vendor: serveStatic({ root: vendorDir, rewriteRequestPath: (p) => pathOf(files, p), onFound }),
  };
  return async (c, next) => {
    const hit = c.req.method === "GET" || c.req.method === "HEAD" ? files.get(c.req.path) : undefined;
    if (!hit) return next();
    return servers[hit.root](c, next);
  };
}

function pathOf(files: Map<string, { file: string }>, urlPath: string): string {
  return `/${files.get(urlPath)?.file ?? "-missing-"}`;
}

function applyHeaders(rules: HeaderRule[], c: Context): void {
  for (const [name, value] of headersFor(rules, c.req.path)) c.header(name, value);
}

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"));
}

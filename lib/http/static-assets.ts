/**
 * @module
 * The static pages (the playground, the API reference at /docs, and their scripts and styles) from a Workers Static
 * Assets binding, before the key check. Deployed, Cloudflare's asset router answers a path that names a file before
 * the Worker runs; but a request that enters the Worker itself (a service binding, `run_worker_first`, the workerd
 * test harness, a trailing-slash variant the router did not match) used to reach the key check and answer 401 for
 * pages that hold no data. This middleware hands those paths to the binding, so the Worker answers them as the
 * router does, with the same files and `_headers`; anything the binding does not have falls through to the API.
 *
 * @example
 * createApp({ assets: staticAssetsFromBinding() }); // wrangler.toml: [assets] binding = "ASSETS"
 */
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "./hono-env.js";

/** The folders of public/ with their page (`/docs` is docs.html); API routes never start with these. */
export const STATIC_PAGES = ["/docs", "/playground"];

type AssetsBinding = { fetch(request: Request): Promise<Response> };

export function staticAssetsFromBinding(binding = "ASSETS"): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const assets = c.env?.[binding] as AssetsBinding | undefined;
    if (!assets || (c.req.method !== "GET" && c.req.method !== "HEAD") || !isStaticPath(c.req.path)) return next();
    const res = await assets.fetch(c.req.raw);
    if (res.status === 404) return next();
    return res;
  };
}

function isStaticPath(path: string): boolean {
  return STATIC_PAGES.some((page) => path === page || path.startsWith(`${page}/`) || path === `${page}.html`);
}

/**
 * @module
 * `GET /playground`: the browser playground (see ./page.ts). Served without
 * an API key — the page holds no data; its own calls carry the key the user
 * types in. A per-response nonce in the Content-Security-Policy lets only the
 * page's inline script and style run and only same-origin requests go out, so
 * the page works offline and nothing injected into it could execute.
 *
 * @example
 * app.route("/", playgroundRoutes());
 */
import { Hono } from "hono";
import type { HonoEnv } from "../hono-env.js";
import { NONCE_PLACEHOLDER, PLAYGROUND_HTML } from "./page.js";

export function playgroundRoutes(): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  app.get("/playground", (c) => {
    const nonce = crypto.randomUUID().replace(/-/g, "");
    c.header("content-security-policy", contentSecurityPolicy(nonce));
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "no-referrer");
    c.header("cache-control", "no-store");
    return c.html(PLAYGROUND_HTML.replaceAll(NONCE_PLACEHOLDER, nonce));
  });
  return app;
}

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

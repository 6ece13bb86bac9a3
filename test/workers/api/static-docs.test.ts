/**
 * The API reference (/docs), its /openapi.json and the playground load without a key from the API Worker
 * itself, with a key configured: requests that reach the Worker (as the harness's do; deployed, the asset router usually answers
 * first) are handed to the Static Assets binding before the key check, with public/_headers applied.
 */
import { describe, expect, it } from "vitest";
import { apiModule } from "../worker-api.js";

const KEYS = { API_KEYS: "docs-key-4f1a9c2e7b" };
const get = (path: string, method = "GET") => apiModule(path, { method }, KEYS);

describe("workerd: static pages need no key", () => {
  it("serves /docs with its CSP and every file it loads, without a key", async () => {
    const page = await get("/docs");
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const loaded = [...html.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]!);
    expect(loaded.length).toBeGreaterThanOrEqual(3);
    for (const path of loaded) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get("content-type")).toMatch(/javascript|css/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      await res.body?.cancel();
    }
  });

  it("serves the playground and answers HEAD, without a key", async () => {
    const page = await get("/playground");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    expect((await get("/docs", "HEAD")).status).toBe(200);
  });

  it("serves the API description /docs renders without a key: it is no secret, and must load before Authorize", async () => {
    const doc = await get("/openapi.json");
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as { paths: Record<string, unknown>; components: { securitySchemes: object } };
    expect(Object.keys(body.paths)).toContain("/search");
    expect(body.components.securitySchemes).toHaveProperty("ApiKey");
  });

  it("still asks for the key everywhere else, including paths under /docs that name no file", async () => {
    for (const path of ["/indexes", "/docs/missing.js", "/docsx", "/openapi.json/x"]) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    const writes = await apiModule("/docs", { method: "POST" }, KEYS);
    expect(writes.status).toBe(401);
  });
});

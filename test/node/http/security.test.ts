/**
 * API keys: with `API_KEYS` set, every route but `GET /health` and the static pages (`/playground`, `/docs`) needs one of
 * the keys in `Authorization` (bare, as Kernel Memory's client sends it, or as
 * `Bearer`); two keys are valid at once for rotation; failures are 401
 * ProblemDetails with `WWW-Authenticate`; keys never reach the logs.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiServer, expectProblem, PROTECTED_ROUTES, startApiServer } from "../../helpers/api.js";

const OLD_KEY = "old-key-7f3a9c0e51d2";
const NEW_KEY = "new-key-b84e12a6c7f9";

let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: `${OLD_KEY}, ${NEW_KEY}`, LOG_LEVEL: "debug" });
});

afterAll(async () => {
  await api?.close();
});

function send(route: (typeof PROTECTED_ROUTES)[number], authorization?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (route.json !== undefined) headers["content-type"] = "application/json";
  return api.call(route.path, {
    method: route.method,
    headers,
    ...(route.json !== undefined ? { body: JSON.stringify(route.json) } : {}),
  });
}

/** The auth cases every protected route must pass. */
async function expectProtected(route: (typeof PROTECTED_ROUTES)[number]): Promise<void> {
  const label = `${route.method} ${route.path}`;
  for (const bad of [
    undefined,
    "",
    "Bearer ",
    "wrong-key",
    `Bearer ${OLD_KEY}x`,
    OLD_KEY.slice(0, -1),
    "Basic Zm9vOmJhcg==",
  ]) {
    const res = await send(route, bad);
    const problem = await expectProblem(res, 401).catch((err: Error) => {
      throw new Error(`${label} with ${JSON.stringify(bad)}: ${err.message}`);
    });
    expect(res.headers.get("www-authenticate"), label).toMatch(/^Bearer/);
    expect(problem.detail, label).toMatch(/API key/);
  }
  for (const good of [OLD_KEY, NEW_KEY, `Bearer ${NEW_KEY}`, `bearer ${OLD_KEY}`]) {
    const res = await send(route, good);
    await res.body?.cancel();
    expect(res.status, `${label} with a valid key`).not.toBe(401);
    expect(res.status, `${label} with a valid key`).toBeLessThan(500);
  }
}

describe("every route but /health requires a key", () => {
  it.each(PROTECTED_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_label, route) => {
    await expectProtected(route);
  });

  it("GET /health stays open for probes", async () => {
    const res = await api.call("/health", { headers: { authorization: "" } });
    expect(res.status).toBe(200);
  });
});

describe("the API reference", () => {
  it("serves the OpenAPI document and the static docs page without a key (the description is no secret)", async () => {
    const doc = await api.call("/openapi.json", { headers: { authorization: "" } });
    expect(doc.status).toBe(200);
    const openapi = (await doc.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(openapi.openapi).toBe("3.1.0");
    expect(Object.keys(openapi.paths).sort()).toEqual(
      [
        "/",
        "/health",
        "/jobs/run",
        "/openapi.json",
        "/download",
        "/ask",
        "/documents",
        "/documents/{documentId}",
        "/indexes",
        "/indexes/{index}/evaluate",
        "/indexes/{index}/settings",
        "/keys",
        "/keys/{id}",
        "/search",
        "/sources",
        "/sources/{id}",
        "/sources/{id}/sync",
        "/upload",
        "/upload/bulk",
        "/upload-status",
      ].sort(),
    );
    expect(Object.keys(openapi.paths["/documents"]!).sort()).toEqual(["delete", "get"]);
    // A static page that holds no data (Workers serve it as a static asset, before any key check); the
    // document it renders is open too, so the page loads before anyone authorizes (http/docs-browser.test.ts).
    const page = await fetch(`${api.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/docs/init.js");
  });
});

describe("keys stay secret", () => {
  it("never writes a presented or configured key to the logs", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    };
    const out = vi.spyOn(console, "log").mockImplementation(capture);
    const err = vi.spyOn(console, "error").mockImplementation(capture);
    try {
      for (const authorization of [OLD_KEY, `Bearer ${NEW_KEY}`, "Bearer guessed-key-123456"]) {
        const res = await api.call("/indexes", { headers: { authorization } });
        await res.body?.cancel();
      }
      const bad = await api.postJson("/search", { query: 1 }, { headers: { authorization: OLD_KEY } });
      await bad.body?.cancel();
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(lines.length).toBeGreaterThan(0);
    const logs = lines.join("\n");
    for (const secret of [OLD_KEY, NEW_KEY, "guessed-key-123456"]) expect(logs).not.toContain(secret);
  });

  it("answers a wrong key in the same way as a missing one, apart from the message", async () => {
    const missing = await api.call("/indexes");
    const wrong = await api.call("/indexes", { headers: { authorization: "nope" } });
    expect(missing.status).toBe(wrong.status);
    expect(missing.headers.get("www-authenticate")).toBe(wrong.headers.get("www-authenticate"));
    const body = (await wrong.json()) as Record<string, unknown>;
    expect(JSON.stringify(body)).not.toContain("nope");
  });
});

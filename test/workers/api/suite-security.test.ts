/**
 * The auth suite inside workerd, against the API Worker's own `fetch` with two
 * keys configured: every route the service serves (enumerated from its own
 * /openapi.json plus undocumented ones, test/helpers/suite-auth.ts) rejects
 * every kind of wrong credential with a 401 ProblemDetails and
 * `WWW-Authenticate`; both keys pass; the probes stay open.
 */
import { describe, expect, it } from "vitest";
import { enumerateRoutes, probeRoutes } from "../../helpers/suite-auth.js";
import { apiModule } from "../worker-api.js";

const K1 = "k1-7d2e9c4a1b06f385";
const K2 = "k2-3b8f1a6d9e24c057";
const GUESSED = "guessed-key-5c1e8a";
const KEYS = { API_KEYS: `${K1},${K2}` };

function call(method: string, path: string, authorization: string | undefined): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  return apiModule(path, { method, headers }, KEYS);
}

describe("workerd: every route the API Worker serves is protected", () => {
  it("rejects every wrong credential with 401 ProblemDetails + WWW-Authenticate; both keys pass; probes stay open", async () => {
    const routes = await enumerateRoutes((path, init) => apiModule(path, init, KEYS), K1);
    const { failures, checked } = await probeRoutes(routes, (route, auth) => call(route.method, route.path, auth), {
      K1,
      K2,
      GUESSED,
    });
    console.log(`[measured] workerd security: ${routes.length} routes, ${checked} wrong-credential requests`);
    expect(failures).toEqual([]);
    expect(routes.some((r) => r.path === "/upload" && r.method === "POST")).toBe(true);
    expect(routes.length).toBeGreaterThanOrEqual(12);
  });
});

/**
 * The auth suite inside workerd, against the API Worker's own `fetch` with two
 * keys configured: every route the service serves (enumerated from its own
 * /openapi.json plus undocumented ones, test/helpers/suite-auth.ts) rejects
 * every kind of wrong credential with a 401 ProblemDetails and
 * `WWW-Authenticate`; both keys pass; the probes stay open.
 */
import { describe, expect, it } from "vitest";
import { enumerateRoutes, OPEN, wrongCredentials } from "../../helpers/suite-auth.js";
import { checkProblem } from "../../helpers/suite-checks.js";
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
    const wrong = wrongCredentials(K1, K2, GUESSED);
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const label = `${route.method} ${route.path}`;
      if (OPEN.has(label)) {
        for (const [what, authorization] of wrong.slice(0, 4)) {
          const res = await call(route.method, route.path, authorization);
          await res.body?.cancel();
          if (route.path === "/health" && res.status !== 200) failures.push(`${label} (${what}): ${res.status}`);
          if (res.status === 401) failures.push(`${label} (${what}): open route answered 401`);
        }
        continue;
      }
      for (const [what, authorization] of wrong) {
        const res = await call(route.method, route.path, authorization);
        const problem = await checkProblem(res);
        checked++;
        if (res.status !== 401) failures.push(`${label} (${what}): ${res.status} ${problem.body.slice(0, 120)}`);
        else if (!problem.ok) failures.push(`${label} (${what}): ${problem.reason}`);
        else if (!/^Bearer realm=/.test(res.headers.get("www-authenticate") ?? "")) {
          failures.push(`${label} (${what}): no WWW-Authenticate`);
        } else if (problem.body.includes(K1.slice(0, 6)) || problem.body.includes(GUESSED)) {
          failures.push(`${label} (${what}): the body echoes the key`);
        }
      }
      for (const good of [K1, K2, `Bearer ${K2}`, `bearer ${K1}`]) {
        const res = await call(route.method, route.path, good);
        await res.body?.cancel();
        if (res.status === 401 || res.status >= 500) failures.push(`${label} with a valid key: ${res.status}`);
      }
    }
    console.log(`[measured] workerd security: ${routes.length} routes, ${checked} wrong-credential requests`);
    expect(failures).toEqual([]);
    expect(routes.some((r) => r.path === "/upload" && r.method === "POST")).toBe(true);
    expect(routes.length).toBeGreaterThanOrEqual(12);
  });
});

/**
 * @module
 * The auth suite's inputs, shared by the Node and workerd suites: the routes
 * a service serves (enumerated from its own /openapi.json plus the ones it does
 * not document), every kind of wrong credential, and the probe of each route
 * with each of them. No Node imports.
 */
import { checkProblem } from "./suite-checks.js";

/**
 * Routes that must answer without a key: probes, the static pages (the playground, /docs: they hold no data)
 * and the API description /docs renders (no secret; it must load before the user can authorize).
 */
export const OPEN = new Set(["GET /health", "GET /playground", "GET /docs", "GET /openapi.json"]);

export type Route = { method: string; path: string };

/** The service's own list of routes: documented ones from /openapi.json, plus those it serves undocumented. */
export async function enumerateRoutes(
  call: (path: string, init: RequestInit) => Promise<Response>,
  key: string,
): Promise<Route[]> {
  const doc = (await (await call("/openapi.json", { headers: { authorization: key } })).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      routes.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, "probe-id") });
    }
  }
  for (const extra of [
    "GET /",
    "GET /health",
    "GET /openapi.json",
    "GET /docs",
    "GET /playground",
    "GET /jobs/run",
    "POST /jobs/run",
    "GET /no-such-route",
    "POST /no-such-route",
    "PUT /upload",
    "PATCH /indexes",
    "GET /upload/../indexes",
  ]) {
    const [method, path] = extra.split(" ") as [string, string];
    if (!routes.some((r) => r.method === method && r.path === path)) routes.push({ method, path });
  }
  return routes;
}

const basic = (user: string, pass: string) => `Basic ${btoa(`${user}:${pass}`)}`;

/** Every credential that must not open a protected route (undefined: no header at all). */
export function wrongCredentials(
  K1: string,
  K2: string,
  GUESSED: string,
): Array<[label: string, authorization: string | undefined]> {
  return [
    ["missing", undefined],
    ["empty", ""],
    ["Bearer without key", "Bearer "],
    ["wrong", GUESSED],
    ["Bearer wrong", `Bearer ${GUESSED}`],
    ["prefix of k1", K1.slice(0, -1)],
    ["prefix of k2 as Bearer", `Bearer ${K2.slice(0, 8)}`],
    ["k1 plus a character", `${K1}x`],
    ["k1, a space, more", `${K1} x`],
    ["k1 with trailing no-break space", `${K1}\u00a0`],
    ["k1 with leading no-break space", `\u00a0${K1}`],
    ["Bearer k1 with trailing no-break space", `Bearer ${K1}\u00a0`],
    ["k1 upper-cased", K1.toUpperCase()],
    ["both keys as a list", `${K1},${K2}`],
    ["Basic k1 as password", basic("user", K1)],
    ["Basic k1 as user", basic(K1, "")],
    ["Basic raw k1", `Basic ${K1}`],
    ["Token scheme", `Token ${K1}`],
  ];
}

/**
 * Sends every wrong credential to every protected route (each must be a 401 ProblemDetails with
 * `WWW-Authenticate` that does not echo the key), a few to the open probes (never 401), and both valid keys
 * in every accepted spelling (never 401, never 5xx). Returns what failed.
 */
export async function probeRoutes(
  routes: Route[],
  send: (route: Route, authorization: string | undefined) => Promise<Response>,
  { K1, K2, GUESSED, open = OPEN }: { K1: string; K2: string; GUESSED: string; open?: ReadonlySet<string> },
): Promise<{ failures: string[]; checked: number }> {
  const WRONG = wrongCredentials(K1, K2, GUESSED);
  const failures: string[] = [];
  let checked = 0;
  for (const route of routes) {
    const label = `${route.method} ${route.path}`;
    if (open.has(label)) {
      for (const [what, authorization] of WRONG.slice(0, 4)) {
        const res = await send(route, authorization);
        await res.body?.cancel();
        if (route.path === "/health" && res.status !== 200) failures.push(`${label} (${what}): ${res.status}`);
        if (res.status === 401) failures.push(`${label} (${what}): open route answered 401`);
      }
      continue;
    }
    for (const [what, authorization] of WRONG) {
      const res = await send(route, authorization);
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
      const res = await send(route, good);
      await res.body?.cancel();
      if (res.status === 401 || res.status >= 500) failures.push(`${label} with a valid key: ${res.status}`);
    }
  }
  return { failures, checked };
}

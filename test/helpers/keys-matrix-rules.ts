/**
 * @module
 * The rules of the scoped-key matrix (test/node/keys/matrix.test.ts): the tenants, the kinds of key, what a route
 * needs, and the status each (route, key, side) must get.
 */
import type { ApiServer } from "./api.js";
import { type FakeSite, htmlPage } from "./fake-site.js";

export const ADMIN_KEY = "matrix-admin-key-0c4f7a91";
export const OWN = "acme-docs";
export const FOREIGN = "globex-corp";
/** Every globex row (text, tag, page URL) carries this; no scoped response may contain it. */
export const MARKER = "globex-secret";

export type Who = "admin" | "write" | "read" | "revoked" | "wrong";
export type Side = "own" | "foreign";
export type Req = { method: string; path: string; json?: unknown };
export type Route = {
  name: string;
  need: "read" | "write" | "admin";
  ok: number;
  request(side: Side, who: Who): Promise<Req>;
};

export const indexOf = (side: Side) => (side === "own" ? OWN : FOREIGN);
export const q = (side: Side) => `index=${indexOf(side)}`;
let counter = 0;
export const unique = () => `n${++counter}`;

export const RANK = { read: 0, write: 1, admin: 2 } as const;

export function expected(route: Route, who: Who, side: Side | "none"): number {
  if (who === "revoked" || who === "wrong") return 401;
  if (who === "admin") return route.ok;
  if (RANK[route.need] > RANK[who]) return 403;
  return side === "foreign" ? 404 : route.ok;
}

/** Admin requests that seed each tenant: JSON calls with the admin key, and a page source of the fake site. */
export function tenantRequests(getApi: () => ApiServer, getSite: () => FakeSite) {
  async function adminJson(method: string, path: string, json?: unknown): Promise<Record<string, unknown>> {
    const res = await getApi().call(path, {
      method,
      ...(json === undefined ? {} : { body: JSON.stringify(json), headers: { "content-type": "application/json" } }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  }

  async function newSource(side: Side, label: string): Promise<string> {
    const path = `/${side === "foreign" ? MARKER : "acme"}-${label}.html`;
    getSite().put(path, {
      body: htmlPage(label, [`${side === "foreign" ? MARKER : "acme"} page ${label}`]),
      type: "text/html",
    });
    const source = await adminJson("POST", "/sources", {
      url: `${getSite().url}${path}`,
      kind: "page",
      index: indexOf(side),
    });
    return source.id as string;
  }
  return { adminJson, newSource };
}

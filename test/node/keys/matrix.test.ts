/**
 * Scoped keys, as a matrix: every route × {admin (API_KEYS), write on
 * `acme-*`, read on `acme-*`, revoked, wrong}, each route against the key's
 * own index and a foreign one, with the expected status — a foreign index is
 * 404 (never 403), a read key writing is 403, revoked and wrong keys are 401 —
 * and no response to a scoped key carries any row of the other tenant.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, apiClient, startApiServer, waitForIngestion } from "../../helpers/api.js";
import { type FakeSite, startFakeSite } from "../../helpers/fake-site.js";
import {
  ADMIN_KEY,
  expected,
  FOREIGN,
  indexOf,
  MARKER,
  OWN,
  q,
  type Req,
  type Route,
  type Side,
  tenantRequests,
  unique,
  type Who,
} from "../../helpers/keys-matrix-rules.js";

let api: ApiServer;
let site: FakeSite;
const keys: Record<Who, string> = { admin: ADMIN_KEY, write: "", read: "", revoked: "", wrong: "smk_wrongwrongwrong" };
const sourceOf: Record<Side, string> = { own: "", foreign: "" };

const { adminJson, newSource } = tenantRequests(
  () => api,
  () => site,
);

const ROUTES: Route[] = [
  {
    name: "POST /search",
    need: "read",
    ok: 200,
    request: async (s) => ({ method: "POST", path: "/search", json: { index: indexOf(s), query: "page text" } }),
  },
  {
    name: "POST /ask",
    need: "read",
    ok: 200,
    request: async (s) => ({ method: "POST", path: "/ask", json: { index: indexOf(s), question: "what is stored?" } }),
  },
  {
    name: "GET /upload-status",
    need: "read",
    ok: 200,
    request: async (s) => ({ method: "GET", path: `/upload-status?${q(s)}&documentId=doc-${s}` }),
  },
  {
    name: "GET /documents",
    need: "read",
    ok: 200,
    request: async (s) => ({ method: "GET", path: `/documents?${q(s)}` }),
  },
  {
    name: "GET /sources?index",
    need: "read",
    ok: 200,
    request: async (s) => ({ method: "GET", path: `/sources?${q(s)}` }),
  },
  {
    name: "GET /sources/{id}",
    need: "read",
    ok: 200,
    request: async (s) => ({ method: "GET", path: `/sources/${sourceOf[s]}` }),
  },
  {
    name: "POST /upload",
    need: "write",
    ok: 202,
    request: async (s) => ({
      method: "POST",
      path: "/upload",
      json: { index: indexOf(s), documentId: unique(), text: "new text" },
    }),
  },
  {
    name: "DELETE /documents",
    need: "write",
    ok: 202,
    request: async (s) => ({ method: "DELETE", path: `/documents?${q(s)}&documentId=${unique()}` }),
  },
  {
    name: "DELETE /indexes",
    need: "write",
    ok: 202,
    request: async (s) => ({ method: "DELETE", path: `/indexes?index=${indexOf(s)}-void` }),
  },
  {
    name: "POST /sources",
    need: "write",
    ok: 201,
    request: async (s, who) => ({
      method: "POST",
      path: "/sources",
      json: {
        url: `${site.url}/${s === "foreign" ? MARKER : "acme"}-extra.html?by=${who}`,
        kind: "page",
        index: indexOf(s),
      },
    }),
  },
  {
    name: "POST /sources/{id}/sync",
    need: "write",
    ok: 202,
    request: async (s) => ({ method: "POST", path: `/sources/${sourceOf[s]}/sync` }),
  },
  {
    name: "DELETE /sources/{id}",
    need: "write",
    ok: 204,
    request: async (s) => ({ method: "DELETE", path: `/sources/${await newSource(s, unique())}` }),
  },
];

/** Routes with no index: the same for both sides. */
const GLOBAL_ROUTES: Route[] = [
  { name: "GET /indexes", need: "read", ok: 200, request: async () => ({ method: "GET", path: "/indexes" }) },
  { name: "GET /sources", need: "read", ok: 200, request: async () => ({ method: "GET", path: "/sources" }) },
  {
    name: "POST /mcp",
    need: "read",
    ok: 200,
    request: async () => ({ method: "POST", path: "/mcp", json: { jsonrpc: "2.0", id: 1, method: "tools/list" } }),
  },
  {
    name: "POST /jobs/run",
    need: "admin",
    ok: 200,
    request: async () => ({ method: "POST", path: "/jobs/run?budgetMs=1000" }),
  },
  { name: "GET /keys", need: "admin", ok: 200, request: async () => ({ method: "GET", path: "/keys" }) },
  {
    name: "POST /keys",
    need: "admin",
    ok: 201,
    request: async () => ({ method: "POST", path: "/keys", json: { name: "x", scope: "read", indexes: ["x-*"] } }),
  },
  {
    name: "DELETE /keys/{id}",
    need: "admin",
    ok: 200,
    request: async () => ({
      method: "DELETE",
      path: `/keys/${(await adminJson("POST", "/keys", { name: "tmp", scope: "read", indexes: ["tmp"] })).id}`,
    }),
  },
];

async function send(who: Who, req: Req): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${keys[who]}` };
  if (req.json !== undefined) headers["content-type"] = "application/json";
  if (req.path === "/mcp") headers.accept = "application/json, text/event-stream";
  const res = await apiClient(api.url).call(req.path, {
    method: req.method,
    headers,
    ...(req.json !== undefined ? { body: JSON.stringify(req.json) } : {}),
  });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  site = await startFakeSite();
  api = await startApiServer({ API_KEYS: ADMIN_KEY, SOURCE_ALLOW_PRIVATE: "true" }, ADMIN_KEY);
  for (const side of ["own", "foreign"] as const) {
    const marker = side === "foreign" ? MARKER : "acme";
    await adminJson("POST", "/upload", {
      index: indexOf(side),
      documentId: `doc-${side}`,
      text: `${marker} row: page text of the ${side} tenant.`,
      tags: { owner: [marker] },
    });
    await waitForIngestion(api, indexOf(side), `doc-${side}`);
    sourceOf[side] = await newSource(side, "kept");
  }
  const create = (scope: string) => adminJson("POST", "/keys", { name: `acme ${scope}`, scope, indexes: ["acme-*"] });
  keys.write = (await create("write")).key as string;
  keys.read = (await create("read")).key as string;
  const revoked = await create("write");
  keys.revoked = revoked.key as string;
  await adminJson("DELETE", `/keys/${revoked.id}`);
});

afterAll(async () => {
  await api?.close();
  await site?.close();
});

describe("scoped keys: every route × every kind of key", () => {
  for (const who of ["admin", "write", "read", "revoked", "wrong"] as const) {
    it(`${who} key`, async () => {
      const actual: Record<string, number> = {};
      const want: Record<string, number> = {};
      const leaks: string[] = [];
      const cases = [
        ...ROUTES.flatMap((route) => (["own", "foreign"] as const).map((side) => ({ route, side }))),
        ...GLOBAL_ROUTES.map((route) => ({ route, side: "none" as const })),
      ];
      for (const { route, side } of cases) {
        const label = `${route.name}${side === "none" ? "" : ` (${side})`}`;
        const res = await send(who, await route.request(side === "none" ? "own" : side, who));
        actual[label] = res.status;
        want[label] = expected(route, who, side);
        if (who !== "admin" && res.body.toLowerCase().includes(MARKER))
          leaks.push(`${label}: ${res.body.slice(0, 200)}`);
        if (res.status >= 400 && res.status !== 404 && !res.body.includes('"status"')) {
          leaks.push(`${label}: not ProblemDetails: ${res.body.slice(0, 100)}`);
        }
      }
      expect(actual).toEqual(want);
      expect(leaks).toEqual([]);
    });
  }

  it("lists only the key's indexes and sources, and never shows a key or its digest", async () => {
    const indexes = JSON.parse((await send("read", { method: "GET", path: "/indexes" })).body) as {
      results: Array<{ name: string }>;
    };
    expect(indexes.results.map((r) => r.name)).toContain(OWN);
    expect(indexes.results.every((r) => r.name.startsWith("acme-"))).toBe(true);
    const all = JSON.parse((await send("admin", { method: "GET", path: "/indexes" })).body) as typeof indexes;
    expect(all.results.map((r) => r.name)).toContain(FOREIGN);

    const sources = JSON.parse((await send("write", { method: "GET", path: "/sources" })).body) as {
      sources: Array<{ index: string }>;
    };
    expect(sources.sources.length).toBeGreaterThan(0);
    expect(sources.sources.every((s) => s.index === OWN)).toBe(true);

    const listing = (await send("admin", { method: "GET", path: "/keys" })).body;
    for (const key of [keys.write, keys.read, keys.revoked]) expect(listing).not.toContain(key.slice(4));
    expect(listing).not.toMatch(/[0-9a-f]{64}/);
    const records = (JSON.parse(listing) as { results: Array<Record<string, unknown>> }).results;
    expect(records.find((r) => r.name === "acme read")).toMatchObject({ scope: "read", indexes: ["acme-*"] });
    // Used above: last use recorded (batched, once a minute at most per instance).
    expect(records.find((r) => r.name === "acme write")?.lastUsedAt).not.toBeNull();
    expect(records.filter((r) => r.revokedAt !== null).length).toBeGreaterThan(0);
  });

  it("documents the admin routes in /openapi.json", async () => {
    const doc = JSON.parse((await send("read", { method: "GET", path: "/openapi.json" })).body) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths["/keys"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/keys/{id}"] ?? {})).toEqual(["delete"]);
  });

  it("refuses bad key definitions with 400 and creates nothing", async () => {
    const before = (JSON.parse((await send("admin", { method: "GET", path: "/keys" })).body) as { results: [] }).results
      .length;
    for (const body of [
      { name: "", scope: "read", indexes: ["a"] },
      { name: "x", scope: "owner", indexes: ["a"] },
      { name: "x", scope: "read", indexes: [] },
      { name: "x", scope: "read", indexes: ["a b$"] },
      { name: "x", scope: "admin", indexes: ["acme-*"] },
    ]) {
      const res = await send("admin", { method: "POST", path: "/keys", json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const after = (JSON.parse((await send("admin", { method: "GET", path: "/keys" })).body) as { results: [] }).results
      .length;
    expect(after).toBe(before);
  });

  it("caches lookups per instance: a key revoked behind the API's back still works until the cache expires; one revoked through the API stops at once", async () => {
    const created = await adminJson("POST", "/keys", { name: "cached", scope: "read", indexes: ["acme-*"] });
    keys.read = created.key as string;
    expect((await send("read", { method: "GET", path: "/indexes" })).status).toBe(200);
    const db = new pg.Client({ connectionString: api.databaseUrl });
    await db.connect();
    try {
      await db.query("update memory_api_keys set revoked_at = now() where id = $1", [created.id]);
    } finally {
      await db.end();
    }
    // Served from the instance's cache: no lookup per request.
    expect((await send("read", { method: "GET", path: "/indexes" })).status).toBe(200);
    await adminJson("DELETE", `/keys/${created.id}`);
    expect((await send("read", { method: "GET", path: "/indexes" })).status).toBe(401);
  });
});

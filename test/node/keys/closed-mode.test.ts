/**
 * Closed mode (issue #20 item 5): a service without `API_KEYS` ignores a
 * presented key only until the first key is issued; from then on an unknown
 * or revoked key is 401 — a mistyped tenant key never acts as admin — and
 * revoking every key does not reopen it. With `API_KEYS` set, unknown keys are
 * 401 from the start. The real Node server on its own database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../helpers/api.js";

const UNKNOWN_STORED_SHAPE = `smk_${"Q".repeat(43)}`;
const GARBAGE = "not-a-key";

let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer();
});

afterAll(async () => {
  await api?.close();
});

const statusWith = async (key: string | undefined, path = "/indexes") =>
  (await api.call(path, key === undefined ? {} : { headers: { authorization: key } })).status;

describe("closed mode without API_KEYS", () => {
  it("ignores presented keys while no key has been issued, then refuses unknown and revoked ones", async () => {
    expect(await statusWith(undefined)).toBe(200);
    expect(await statusWith(UNKNOWN_STORED_SHAPE)).toBe(200);
    expect(await statusWith(GARBAGE)).toBe(200);

    const created = await api.postJson("/keys", { name: "tenant a", scope: "read", indexes: ["ta-*"] });
    expect(created.status).toBe(201);
    const { key, id } = (await created.json()) as { key: string; id: string };

    for (const unknown of [UNKNOWN_STORED_SHAPE, GARBAGE, `Bearer ${UNKNOWN_STORED_SHAPE}`]) {
      const res = await api.call("/indexes", { headers: { authorization: unknown } });
      expect(res.status, unknown).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      // An unknown key is refused on every kind of route, MCP included, not only on the memory API.
      expect(await statusWith(unknown, "/keys"), unknown).toBe(401);
      const mcp = await api.call("/mcp", {
        method: "POST",
        headers: {
          authorization: unknown,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(mcp.status, unknown).toBe(401);
    }
    // The issued key works, with its scope: a read key may list but not manage keys.
    expect(await statusWith(key)).toBe(200);
    expect(await statusWith(key, "/keys")).toBe(403);

    expect((await api.call(`/keys/${id}`, { method: "DELETE" })).status).toBe(200);
    expect(await statusWith(key)).toBe(401);
    expect(await statusWith(UNKNOWN_STORED_SHAPE)).toBe(401);
    // Without API_KEYS a request with no key is still the open service's admin (README: set API_KEYS before exposing it).
    expect(await statusWith(undefined)).toBe(200);
  });
});

describe("closed mode with API_KEYS", () => {
  let closed: ApiServer;
  beforeAll(async () => {
    closed = await startApiServer({ API_KEYS: "admin-key-for-closed-mode" });
  });
  afterAll(async () => {
    await closed?.close();
  });

  it("refuses unknown keys before any key is issued", async () => {
    for (const key of [UNKNOWN_STORED_SHAPE, GARBAGE, undefined]) {
      const res = await closed.call("/indexes", key === undefined ? {} : { headers: { authorization: key } });
      expect(res.status, String(key)).toBe(401);
    }
    expect((await closed.call("/indexes", { headers: { authorization: "admin-key-for-closed-mode" } })).status).toBe(
      200,
    );
  });
});

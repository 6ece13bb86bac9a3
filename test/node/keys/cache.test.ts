/**
 * Key lookups on a real database (pool transport through the local Neon
 * proxy), with every statement counted: a busy key costs one lookup per cache
 * period and one `last_used_at` write per minute per instance, not one of each
 * per request; wrong keys are cached too; a database failure is not
 * remembered as "wrong key"; revocation through the verb is seen at once;
 * the database holds the key's SHA-256 digest, never the key.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../../lib/db/types.js";
import { createApiKey, revokeApiKey } from "../../../lib/keys/keys.js";
import { resolveStoredKey } from "../../../lib/keys/resolver.js";
import { migrate } from "../../../lib/migrate/migrate.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase, uniqueAppName } from "../../helpers/database.js";
import { dbConfig, networkDb } from "../../helpers/db-handles.js";

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let db: Db;

/** The same handle, counting statements by their first words; `failNext` makes the next one throw. */
function counted(inner: Db) {
  const counts = new Map<string, number>();
  let failNext = false;
  const handle: Db = {
    transport: inner.transport,
    stats: () => inner.stats(),
    close: () => inner.close(),
    batch: (statements) => inner.batch(statements),
    query: (text, params) => {
      const kind = text.trim().split(/\s+/).slice(0, 2).join(" ");
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error("connection reset"));
      }
      return inner.query(text, params);
    },
  };
  return { handle, count: (kind: string) => counts.get(kind) ?? 0, failOnce: () => (failNext = true) };
}

beforeAll(async () => {
  database = await createTestDatabase("smkeys");
  proxy = await startNeonProxy();
  db = networkDb("pool", proxy.address, dbConfig(database.url, { applicationName: uniqueAppName("keys") }));
  await migrate(db);
});

afterAll(async () => {
  await db?.close();
  await proxy?.close();
  await database?.drop();
});

describe("stored key lookups", () => {
  it("looks a busy key up once and records its use once, however many requests it serves", async () => {
    const { key, record } = await createApiKey(db, { name: "busy", scope: "write", indexes: ["acme-*", "Acme Docs"] });
    expect(record.indexes).toEqual(["acme-*", "acme-docs"]);
    const c = counted(db);
    const background: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      const principal = await resolveStoredKey(c.handle, key, (p) => background.push(p));
      expect(principal).toEqual({ kind: "key", scope: "write", patterns: ["acme-*", "acme-docs"], keyId: record.id });
    }
    await Promise.all(background);
    expect(c.count("select id,")).toBe(1);
    expect(c.count("update memory_api_keys")).toBe(1);
    const [row] = await db.query<{ last_used_at: Date | null }>(
      "select last_used_at from memory_api_keys where id = $1",
      [record.id],
    );
    expect(row!.last_used_at).not.toBeNull();

    const guess = `smk_${"A".repeat(43)}`;
    for (let i = 0; i < 20; i++) expect(await resolveStoredKey(c.handle, guess, () => {})).toBeNull();
    expect(c.count("select id,")).toBe(2);
    // Not even shaped like a stored key: no lookup at all.
    expect(await resolveStoredKey(c.handle, "guessed-key-123456", () => {})).toBeNull();
    expect(c.count("select id,")).toBe(2);
  });

  it("does not remember a failed lookup as a wrong key", async () => {
    const { key } = await createApiKey(db, { name: "flaky", scope: "read", indexes: ["*"] });
    const c = counted(db);
    c.failOnce();
    await expect(resolveStoredKey(c.handle, key, () => {})).rejects.toThrow(/connection reset/);
    expect(await resolveStoredKey(c.handle, key, () => {})).toMatchObject({ scope: "read" });
  });

  it("stops honouring a key revoked through the verb at once, and stores only its digest", async () => {
    const { key, record } = await createApiKey(db, { name: "short-lived", scope: "read", indexes: ["x"] });
    expect(await resolveStoredKey(db, key, () => {})).not.toBeNull();
    await revokeApiKey(db, record.id);
    expect(await resolveStoredKey(db, key, () => {})).toBeNull();
    const rows = await db.query<Record<string, unknown>>("select * from memory_api_keys where id = $1", [record.id]);
    expect(rows[0]!.key_hash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(key.slice(4));
  });
});

/**
 * An index's ranking settings as searches read them (`settingsForSearch`): read once per instance (database
 * handle) per `SEARCH_SETTINGS_TTL_MS`, so a warm search costs one statement, not two; a change made through an
 * instance is what its next search uses; another instance keeps its copy until it expires, and with a TTL of 0
 * every search reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllHandles, type Db } from "../../../lib/db/index.js";
import { settingsForSearch, updateIndexSettings } from "../../../lib/memory/settings.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { memoryContext } from "../../helpers/memory.js";

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let primary: Db;

/** An instance: its own handle (counting its statements) and its TTL. */
function instance(ttl: number) {
  let statements = 0;
  const db: Db = Object.create(primary, {
    query: {
      value: (text: string, params?: readonly unknown[]) => {
        statements++;
        return primary.query(text, params);
      },
    },
  });
  return { ctx: { db, config: { SEARCH_SETTINGS_TTL_MS: ttl } }, statements: () => statements };
}

beforeAll(async () => {
  database = await createTestDatabase("smsetcache");
  proxy = await startNeonProxy();
  ({
    ctx: { db: primary },
  } = await memoryContext({
    DATABASE_URL: database.url,
    DB_TRANSPORT: "pool",
    NEON_LOCAL_PROXY: proxy.address,
    DB_APPLICATION_NAME: "smt-setcache",
  }));
  await primary.query("insert into memory_indexes (name) values ('cached'), ('other')");
});

afterAll(async () => {
  await closeAllHandles();
  await proxy?.close();
  await database?.drop();
});

describe("settingsForSearch", () => {
  it("reads an index's settings once per instance, and sees its own changes at once", async () => {
    const a = instance(600_000);
    expect(await settingsForSearch(a.ctx, "cached")).toEqual({});
    expect(await settingsForSearch(a.ctx, "cached")).toEqual({});
    expect(a.statements()).toBe(1);
    expect(await settingsForSearch(a.ctx, "other")).toEqual({});
    expect(a.statements()).toBe(2);
    await updateIndexSettings(a.ctx, "cached", { text_weight: 0.3 });
    expect(await settingsForSearch(a.ctx, "cached")).toEqual({ text_weight: 0.3 });
    expect(a.statements()).toBe(3); // the update itself; the search after it read nothing
  });

  it("another instance keeps its copy until it expires; with a TTL of 0 every search reads", async () => {
    const b = instance(600_000);
    const fresh = instance(0);
    expect(await settingsForSearch(b.ctx, "other")).toEqual({});
    await updateIndexSettings(instance(600_000).ctx, "other", { query_expansion: false });
    expect(await settingsForSearch(b.ctx, "other")).toEqual({});
    expect(await settingsForSearch(fresh.ctx, "other")).toEqual({ query_expansion: false });
    expect(await settingsForSearch(fresh.ctx, "other")).toEqual({ query_expansion: false });
    expect(fresh.statements()).toBe(2);
  });
});

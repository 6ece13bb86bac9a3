/**
 * Migrations: bundled from the .sql files, applied in order, exactly once even
 * when several cold starts race, over both network transports.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../../lib/db/types.js";
import { migrate } from "../../../lib/migrate/migrate.js";
import { MIGRATIONS } from "../../../lib/migrate/migrations.gen.js";
import type { Migration } from "../../../lib/migrate/types.js";
import { GENERATED, renderMigrations } from "../../../scripts/bundle-migrations.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { splitStatements } from "../../../scripts/sql-statements.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { dbConfig, networkDb } from "../../helpers/db-handles.js";

let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  proxy = await startNeonProxy();
});

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
  await proxy?.close();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase("smmig");
  cleanup.push(() => database.drop());
  return database;
}

function handles(url: string, count: number): Db[] {
  const dbs = Array.from({ length: count }, (_, i) =>
    networkDb(
      i % 2 ? "http" : "pool",
      proxy.address,
      dbConfig(url, { poolMax: 2, retry: { budgetMs: 5000, baseDelayMs: 20, maxDelayMs: 200 } }),
    ),
  );
  cleanup.push(async () => void (await Promise.all(dbs.map((d) => d.close()))));
  return dbs;
}

// Not idempotent on purpose: applied twice, it would fail or leave two rows.
const ONCE: Migration = {
  id: "9001_once",
  checksum: "test",
  statements: ["create table once_marker (n int)", "insert into once_marker values (1)"],
};

describe("migrations", () => {
  it("the bundled module matches lib/migrate/sql (run `npx tsx scripts/bundle-migrations.ts` after editing)", async () => {
    expect(await readFile(GENERATED, "utf8")).toBe(await renderMigrations());
  });

  it("splits statements around quotes, comments and dollar quoting", () => {
    expect(
      splitStatements(
        "create table a (x text default ';'); -- c;\n/* ; */ do $x$ begin perform 1; end $x$; select 'it''s;'",
      ),
    ).toEqual([
      "create table a (x text default ';')",
      "-- c;\n/* ; */ do $x$ begin perform 1; end $x$",
      "select 'it''s;'",
    ]);
  });

  it("8 concurrent migrators (pool and http) apply each migration exactly once", async () => {
    const database = await freshDatabase();
    const dbs = handles(database.url, 8);
    const set = [...MIGRATIONS, ONCE];
    const results = await Promise.all(dbs.map((db) => migrate(db, set)));

    for (const m of set) {
      const appliedBy = results.filter((r) => r.applied.includes(m.id)).length;
      expect(appliedBy, m.id).toBe(1);
      for (const r of results) expect([...r.applied, ...r.alreadyApplied]).toContain(m.id);
    }
    const [check] = dbs;
    expect(await check!.query("select n from once_marker")).toEqual([{ n: 1 }]);
    const recorded = await check!.query<{ id: string }>("select id from schema_migrations order by id");
    expect(recorded.map((r) => r.id)).toEqual(set.map((m) => m.id).sort());

    const again = await migrate(check!, set);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(set.map((m) => m.id));
  });

  it("a failing migration is reported, recorded nowhere, and leaves earlier ones applied", async () => {
    const database = await freshDatabase();
    const [db] = handles(database.url, 1);
    const broken: Migration = {
      id: "9002_broken",
      checksum: "x",
      statements: ["create table half (n int)", "select * from nope"],
    };
    await expect(migrate(db!, [ONCE, broken])).rejects.toMatchObject({
      name: "MigrationFailed",
      migrationId: "9002_broken",
    });
    expect(await db!.query("select id from schema_migrations")).toEqual([{ id: "9001_once" }]);
    expect(await db!.query("select to_regclass('half') as t")).toEqual([{ t: null }]);
  });
});

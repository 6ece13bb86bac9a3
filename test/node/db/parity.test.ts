/**
 * Transport parity: the `pool` (WebSocket) and `http` (fetch) transports must be
 * interchangeable behind `Db`: same values, same error codes, same atomicity.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseError } from "../../../lib/db/errors.js";
import type { Db } from "../../../lib/db/types.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { dbConfig, networkDb } from "../../helpers/db-handles.js";

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
const dbs: Record<"pool" | "http", Db> = {} as never;

beforeAll(async () => {
  database = await createTestDatabase("smparity");
  proxy = await startNeonProxy();
  for (const t of ["pool", "http"] as const) dbs[t] = networkDb(t, proxy.address, dbConfig(database.url));
  await dbs.pool.query(
    `create table parity (id int primary key, emb vector(3), amount numeric(10,2), big bigint,
      at timestamptz, tags text[], doc jsonb, note text)`,
  );
});

afterAll(async () => {
  await Promise.all(Object.values(dbs).map((d) => d.close()));
  await proxy?.close();
  await database?.drop();
});

const at = new Date("2026-01-02T03:04:05.678Z");

describe("pool and http transports return the same things", () => {
  it("round-trips vectors, numerics, bigints, timestamps, arrays, json, unicode and nulls identically", async () => {
    await dbs.pool.query(
      "insert into parity values ($1, $2::vector, $3, $4, $5, $6, $7, $8), (2, null, null, null, null, null, null, null)",
      [
        1,
        JSON.stringify([0.5, -1, 2.25]),
        "12.30",
        "9007199254740993",
        at,
        ["a", "b c", "ü"],
        { k: [1, "x"] },
        "héllo ✓",
      ],
    );
    const sql = "select * from parity order by id";
    const viaPool = await dbs.pool.query(sql);
    const viaHttp = await dbs.http.query(sql);
    expect(viaHttp).toEqual(viaPool);
    expect(viaPool[0]).toEqual({
      id: 1,
      emb: "[0.5,-1,2.25]",
      amount: "12.30",
      big: "9007199254740993",
      at,
      tags: ["a", "b c", "ü"],
      doc: { k: [1, "x"] },
      note: "héllo ✓",
    });
    expect(viaPool[1]).toEqual({
      id: 2,
      emb: null,
      amount: null,
      big: null,
      at: null,
      tags: null,
      doc: null,
      note: null,
    });
  });

  it("computes the same vector distances", async () => {
    const sql = "select round((emb <=> $1::vector)::numeric, 6) as d from parity where id = 1";
    const params = [JSON.stringify([1, 0, 0])];
    expect(await dbs.http.query(sql, params)).toEqual(await dbs.pool.query(sql, params));
  });

  it.each(["pool", "http"] as const)("%s: batch results come back per statement, in order", async (t) => {
    const results = await dbs[t].batch([
      { text: "select 1 as one" },
      { text: "select $1::text as echo", params: ["x"] },
    ]);
    expect(results).toEqual([[{ one: 1 }], [{ echo: "x" }]]);
  });

  it.each(["pool", "http"] as const)("%s: a batch whose last statement fails leaves nothing behind", async (t) => {
    const id = t === "pool" ? 100 : 200;
    const failing = dbs[t].batch([
      { text: "insert into parity (id, note) values ($1, 'first')", params: [id] },
      { text: "insert into parity (id, note) values ($1, 'second')", params: [id + 1] },
      { text: "insert into parity (id, note) values ($1, 'duplicate')", params: [id] },
    ]);
    await expect(failing).rejects.toMatchObject({ name: "DatabaseError", code: "23505" });
    expect(await dbs.pool.query("select id from parity where id in ($1, $2)", [id, id + 1])).toEqual([]);
  });

  it("raises the same SQLSTATEs on both transports, without retrying them", async () => {
    const cases: Array<[string, unknown[], string]> = [
      ["select * from no_such_table", [], "42P01"],
      ["insert into parity (id) values (1)", [], "23505"],
      ["select $1::int", ["not a number"], "22P02"],
      ["select (1/0)", [], "22012"],
    ];
    for (const [sql, params, code] of cases) {
      for (const t of ["pool", "http"] as const) {
        const err = await dbs[t].query(sql, params).catch((e: unknown) => e);
        expect(err, `${t}: ${sql}`).toBeInstanceOf(DatabaseError);
        expect((err as DatabaseError).code, `${t}: ${sql}`).toBe(code);
      }
    }
  });
});

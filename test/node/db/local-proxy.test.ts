/**
 * The local Neon-compatible proxy, exercised only through `@neondatabase/serverless` (both transports) against the
 * real PostgreSQL at 127.0.0.1 (TEST_PG_PORT, default 5432), so the proxy is held to what the driver actually sends and parses.
 */
import { NeonDbError, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ws from "ws";
import { useLocalNeonProxy } from "../../../lib/db/local-proxy";
import { type NeonProxy, startNeonProxy } from "../../../scripts/neon-proxy/server";
import { POOL_MAX } from "../../../scripts/neon-proxy/sql-endpoint";
import { PG_PORT, urlFor } from "../../helpers/database";

const DB = urlFor("test");
const suffix = `${process.pid}_${Date.now()}`;
const table = `neon_proxy_${suffix}`;
const sql = neon(DB);
let proxy: NeonProxy;

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (err) => err,
  );
}

async function countRows(): Promise<number> {
  const [row] = await sql.query(`select count(*)::int as n from ${table}`);
  return row!.n;
}

async function backendsFor(applicationName: string): Promise<number> {
  const [row] = await sql`select count(*)::int as n from pg_stat_activity where application_name = ${applicationName}`;
  return row!.n;
}

beforeAll(async () => {
  proxy = await startNeonProxy();
  useLocalNeonProxy(proxy.address);
  neonConfig.webSocketConstructor = ws;
  await sql.query(`create table ${table} (id int primary key, name text unique)`);
});

afterAll(async () => {
  await sql.query(`drop table if exists ${table}`);
  await proxy.close();
});

describe("WebSocket passthrough (Pool)", () => {
  it("runs queries with parameters and BEGIN/COMMIT transactions", async () => {
    const pool = new Pool({ connectionString: DB });
    try {
      const { rows } = await pool.query("select $1::int + 1 as n, $2::text as s", [41, "hé"]);
      expect(rows).toEqual([{ n: 42, s: "hé" }]);

      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(`insert into ${table} (id, name) values (1, 'ws-committed')`);
        await client.query("COMMIT");
        await client.query("BEGIN");
        await client.query(`insert into ${table} (id, name) values (2, 'ws-rolled-back')`);
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }
      expect(await sql.query(`select name from ${table} where id in (1, 2)`)).toEqual([{ name: "ws-committed" }]);
    } finally {
      await pool.end();
    }
  });

  it("surfaces Postgres error codes, including a killed backend", async () => {
    const pool = new Pool({ connectionString: DB });
    try {
      await pool.query(`insert into ${table} (id, name) values (10, 'ws-dup')`);
      const dup = await rejection(pool.query(`insert into ${table} (id, name) values (10, 'ws-dup2')`));
      expect(dup.code).toBe("23505");
      const missing = await rejection(pool.query(`select * from no_such_table_${suffix}`));
      expect(missing.code).toBe("42P01");
      // Postgres closing its end of the relay must close the WebSocket too, or this would hang.
      const killed = await rejection(pool.query("select pg_terminate_backend(pg_backend_pid())"));
      expect(killed.code).toBe("57P01");
      expect((await pool.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it("refuses non-loopback targets with HTTP 403", async () => {
    const status = await new Promise<number | undefined>((resolve) => {
      const socket = new ws(`ws://${proxy.address}/v2?address=10.1.2.3:5432`);
      socket.on("unexpected-response", (_req, res) => resolve(res.statusCode));
      socket.on("open", () => resolve(undefined));
      socket.on("error", () => {});
    });
    expect(status).toBe(403);

    const pool = new Pool({ connectionString: "postgresql://postgres@10.1.2.3:5432/test" });
    pool.on("error", () => {});
    await expect(pool.query("select 1")).rejects.toThrow();
    await pool.end().catch(() => {});
  });

  it("survives a client that disconnects abruptly, and ends its backend", async () => {
    const applicationName = `neon_proxy_abrupt_${suffix}`;
    const socket = new ws(`ws://${proxy.address}/v2?address=127.0.0.1:${PG_PORT}`);
    socket.on("error", () => {});
    await new Promise((resolve) => socket.on("open", resolve));
    // A bare StartupMessage: enough for Postgres to start a backend we can see in pg_stat_activity.
    const params = `user\0postgres\0database\0test\0application_name\0${applicationName}\0\0`;
    const startup = Buffer.alloc(8 + Buffer.byteLength(params));
    startup.writeInt32BE(startup.length, 0);
    startup.writeInt32BE(196608, 4);
    startup.write(params, 8);
    const ready = new Promise((resolve) => socket.on("message", (data: Buffer) => data.includes("Z") && resolve(0)));
    socket.send(startup);
    await ready;
    expect(await backendsFor(applicationName)).toBe(1);

    socket.terminate();
    await expect.poll(() => backendsFor(applicationName), { timeout: 5_000 }).toBe(0);

    const pool = new Pool({ connectionString: DB });
    expect((await pool.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    await pool.end();
  });
});

describe("HTTP /sql (neon())", () => {
  it("runs a single query, with parameters", async () => {
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
    expect(await sql`select ${2}::int * ${21}::int as n, ${"x"} || 'y' as s`).toEqual([{ n: 42, s: "xy" }]);
    expect(await sql.query("select $1::int as n", [7])).toEqual([{ n: 7 }]);
  });

  it("returns full results and array mode as the driver expects", async () => {
    const full = await sql.query("select 1 as a, 'b' as b", [], { fullResults: true });
    expect(full).toMatchObject({ command: "SELECT", rowCount: 1, rows: [{ a: 1, b: "b" }] });
    expect(full.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ["a", 23],
      ["b", 25],
    ]);

    expect(await sql.query("select 1 as a, 'b' as b", [], { arrayMode: true })).toEqual([[1, "b"]]);
    const both = await sql.query("select 1 as a", [], { arrayMode: true, fullResults: true });
    expect(both).toMatchObject({ rows: [[1]], rowAsArray: true });
  });

  it("lets the driver parse Postgres text output into its usual types", async () => {
    const [row] = await sql`
      select 1::int as int, 9007199254740993::bigint as big, 1.50::numeric as num, true as bool,
             'héllo 🌍' as text, '2024-01-02T03:04:05.678Z'::timestamptz as ts,
             '{"a":[1,"x"]}'::json as json, '{"b":{"c":null}}'::jsonb as jsonb,
             array['a','b,c',null]::text[] as arr, null::text as nothing, '[1,2,3]'::vector(3) as vec`;
    expect(row).toEqual({
      int: 1,
      big: "9007199254740993",
      num: "1.50",
      bool: true,
      text: "héllo 🌍",
      ts: new Date("2024-01-02T03:04:05.678Z"),
      json: { a: [1, "x"] },
      jsonb: { b: { c: null } },
      arr: ["a", "b,c", null],
      nothing: null,
      vec: "[1,2,3]",
    });
  });

  it("round-trips parameters the driver serialises", async () => {
    const when = new Date("2024-05-06T07:08:09.010Z");
    const [row] = await sql`
      select ${when}::timestamptz as ts, ${["x", "y"]}::text[] as arr, ${{ k: "v" }}::jsonb as obj,
             ${null}::int as nothing, ${"[4,5,6]"}::vector(3) as vec`;
    expect(row).toEqual({ ts: when, arr: ["x", "y"], obj: { k: "v" }, nothing: null, vec: "[4,5,6]" });
  });

  it("commits a transaction batch as a whole", async () => {
    const [, , selected] = await sql.transaction([
      sql`insert into ${sql.unsafe(table)} (id, name) values (20, 'batch-a')`,
      sql`insert into ${sql.unsafe(table)} (id, name) values (21, 'batch-b')`,
      sql`select count(*)::int as n from ${sql.unsafe(table)} where id in (20, 21)`,
    ]);
    expect(selected).toEqual([{ n: 2 }]);
    expect(await sql`select id from ${sql.unsafe(table)} where id in (20, 21) order by id`).toEqual([
      { id: 20 },
      { id: 21 },
    ]);
  });

  it("rolls back the whole batch when its last statement fails", async () => {
    const before = await countRows();
    const err = await rejection(
      sql.transaction([
        sql`insert into ${sql.unsafe(table)} (id, name) values (30, 'doomed-a')`,
        sql`insert into ${sql.unsafe(table)} (id, name) values (31, 'doomed-b')`,
        sql`select * from ${sql.unsafe(`no_such_table_${suffix}`)}`,
      ]),
    );
    expect(err).toBeInstanceOf(NeonDbError);
    expect(err.code).toBe("42P01");
    expect(await countRows()).toBe(before);
  });

  it("honours the batch isolation, read-only and deferrable options", async () => {
    const results = await sql.transaction(
      [sql`show transaction_isolation`, sql`show transaction_read_only`, sql`show transaction_deferrable`],
      { isolationLevel: "Serializable", readOnly: true, deferrable: true },
    );
    expect(results.map(([row]) => row)).toEqual([
      { transaction_isolation: "serializable" },
      { transaction_read_only: "on" },
      { transaction_deferrable: "on" },
    ]);
    const err = await rejection(
      sql.transaction([sql`insert into ${sql.unsafe(table)} (id) values (40)`], { readOnly: true }),
    );
    expect(err.code).toBe("25006");
  });

  it("throws NeonDbError with the SQLSTATE and details Postgres reported", async () => {
    await sql.query(`insert into ${table} (id, name) values (50, 'http-dup')`);
    const dup = await rejection(sql.query(`insert into ${table} (id, name) values (50, 'other')`));
    expect(dup).toBeInstanceOf(NeonDbError);
    expect(dup).toMatchObject({ code: "23505", severity: "ERROR", table, constraint: `${table}_pkey` });
    expect(dup.detail).toContain("(id)=(50)");

    const missing = await rejection(sql.query(`select * from no_such_table_${suffix}`));
    expect(missing).toMatchObject({ code: "42P01", position: "15" });
  });

  it("reports a killed backend as 57P01 and keeps serving", async () => {
    const err = await rejection(sql`select pg_terminate_backend(pg_backend_pid())`);
    expect(err.code).toBe("57P01");
    expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
  });

  it("reports a role out of connection slots as 53300 instead of hanging", async () => {
    const role = `neon_proxy_nolimit_${suffix}`;
    await sql.query(`create role ${role} login connection limit 0`);
    try {
      const err = await rejection(neon(`postgresql://${role}@127.0.0.1:${PG_PORT}/test`)`select 1`);
      expect(err).toBeInstanceOf(NeonDbError);
      expect(err.code).toBe("53300");
    } finally {
      await sql.query(`drop role ${role}`);
    }
  });

  it("refuses connection strings whose host is not loopback", async () => {
    const err = await rejection(neon("postgresql://postgres@10.1.2.3:5432/test")`select 1`);
    expect(err).toBeInstanceOf(NeonDbError);
    expect(err.message).toMatch(/not a loopback host/);
  });

  it("answers CORS preflight", async () => {
    const res = await fetch(`http://${proxy.address}/sql`, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("serves 100 concurrent queries from a bounded pool of backends", async () => {
    const applicationName = `neon_proxy_load_${suffix}`;
    const load = neon(`${DB}?application_name=${applicationName}`);
    let peak = 0;
    let running = true;
    const sampler = (async () => {
      while (running) {
        peak = Math.max(peak, await backendsFor(applicationName));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => load`select ${i}::int as i, pg_sleep(0.02)::text as slept`),
    );
    running = false;
    await sampler;
    expect(results.map(([row]) => row!.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(POOL_MAX);
  });
});

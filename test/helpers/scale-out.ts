/**
 * @module
 * The scale-out stack that `scripts/setup-scale-out.sh` keeps running beside the primary: PgBouncer in
 * transaction mode (as Neon's `-pooler` endpoint) and a hot standby streaming from the primary (as a Neon
 * read replica). Ports follow the script: `TEST_PGBOUNCER_PORT` / `TEST_STANDBY_PORT`, by default the
 * primary's port + 1100 / + 1200.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { PG_HOST, PG_PORT, withAdmin } from "./database.js";

export const PGBOUNCER_PORT = Number(process.env.TEST_PGBOUNCER_PORT ?? PG_PORT + 1100);
export const STANDBY_PORT = Number(process.env.TEST_STANDBY_PORT ?? PG_PORT + 1200);
const STANDBY_DIR = `${process.env.SM_SCALE_DIR ?? "/var/lib/postgresql/serverless-memory"}/standby-${STANDBY_PORT}`;

export const pooledUrl = (database: string, user = "postgres") =>
  `postgres://${user}@${PG_HOST}:${PGBOUNCER_PORT}/${database}`;
export const standbyUrl = (database: string, user = "postgres") =>
  `postgres://${user}@${PG_HOST}:${STANDBY_PORT}/${database}`;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "sm-test-scale" });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Fails with the command to run when PgBouncer or the standby is not there. */
export async function requireScaleOutStack(): Promise<void> {
  try {
    await withClient(pooledUrl("pgbouncer"), (c) => c.query("show version"));
    const { rows } = await withClient(standbyUrl("postgres"), (c) => c.query("select pg_is_in_recovery() as standby"));
    if (!rows[0]?.standby) throw new Error(`127.0.0.1:${STANDBY_PORT} is not a standby`);
  } catch (err) {
    throw new Error(
      `the scale-out stack is not running (${(err as Error).message}); run: TEST_PG_PORT=${PG_PORT} bash scripts/setup-scale-out.sh`,
    );
  }
}

export type BouncerPool = { database: string; user: string; clients: number; servers: number };

/** PgBouncer's `SHOW POOLS` (its admin console speaks the simple protocol only, which `pg` uses without params). */
export async function showPools(): Promise<BouncerPool[]> {
  return withClient(pooledUrl("pgbouncer"), async (c) => {
    const { rows } = await c.query("show pools");
    return rows.map((r) => ({
      database: r.database,
      user: r.user,
      clients: Number(r.cl_active) + Number(r.cl_waiting),
      servers: Number(r.sv_active) + Number(r.sv_idle) + Number(r.sv_used) + Number(r.sv_tested) + Number(r.sv_login),
    }));
  });
}

/** PgBouncer's `SHOW SERVERS` for (database, user): the backend pid of every server connection it holds. */
export async function bouncerServerPids(database: string, user: string): Promise<number[]> {
  return withClient(pooledUrl("pgbouncer"), async (c) => {
    const { rows } = await c.query("show servers");
    return rows.filter((r) => r.database === database && r.user === user).map((r) => Number(r.remote_pid));
  });
}

/** Session state a server connection can carry from one transaction (one client) to the next. */
export type SessionState = {
  pid: number;
  settings: string[];
  prepared: string[];
  channels: string[];
  tempTables: string[];
  advisoryLocks: string[];
  cursors: string[];
};

// Parameters PgBouncer itself tracks and sets per client: they are its business, not leaks.
const TRACKED = ["application_name", "client_encoding", "DateStyle", "TimeZone", "standard_conforming_strings"];

/**
 * Looks at every server connection PgBouncer holds for (database, user): `size` clients each open a
 * transaction at once, so each is given a different server connection (idle ones first), and report
 * what the previous clients left on it. Loading pgvector first turns a session `SET hnsw.*` made before
 * the library was loaded into a real setting that `pg_settings` lists.
 */
export async function sessionStateBehindPooler(database: string, user: string, size = 10): Promise<SessionState[]> {
  const clients = await Promise.all(
    Array.from({ length: size }, async () => {
      const c = new pg.Client({ connectionString: pooledUrl(database, user) });
      c.on("error", () => {});
      await c.connect();
      return c;
    }),
  );
  try {
    await Promise.all(clients.map((c) => c.query("begin")));
    const states = await Promise.all(
      clients.map(async (c) => {
        await c.query("select '[1]'::vector");
        const { rows } = await c.query(
          `select pg_backend_pid() as pid,
                  array(select name || '=' || setting from pg_settings
                         where source = 'session' and name <> all($1::text[])) as settings,
                  array(select name from pg_prepared_statements) as prepared,
                  array(select pg_listening_channels()) as channels,
                  array(select relname::text from pg_class where relnamespace = pg_my_temp_schema()) as temp_tables,
                  array(select objid::text from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()) as locks,
                  array(select name from pg_cursors where name <> '') as cursors`,
          [TRACKED],
        );
        const r = rows[0];
        return {
          pid: r.pid,
          settings: r.settings,
          prepared: r.prepared,
          channels: r.channels,
          tempTables: r.temp_tables,
          advisoryLocks: r.locks,
          cursors: r.cursors,
        } satisfies SessionState;
      }),
    );
    await Promise.all(clients.map((c) => c.query("commit")));
    return states;
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}

export function leaks(states: SessionState[]): string[] {
  return states.flatMap((s) =>
    (["settings", "prepared", "channels", "tempTables", "advisoryLocks", "cursors"] as const).flatMap((kind) =>
      s[kind].map((v) => `backend ${s.pid} ${kind}: ${v}`),
    ),
  );
}

export const onStandby = <T>(fn: (c: pg.Client) => Promise<T>, database = "postgres") =>
  withClient(standbyUrl(database), fn);

/** Waits until the standby has replayed everything the primary has written so far. */
export async function waitForReplay(timeoutMs = 15_000): Promise<void> {
  const lsn = await withAdmin(async (c) => (await c.query("select pg_current_wal_lsn()::text as lsn")).rows[0].lsn);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await onStandby(
      async (c) => (await c.query("select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok", [lsn])).rows[0].ok,
    ).catch(() => false);
    if (ok) return;
    if (Date.now() > until) throw new Error(`the standby did not replay ${lsn} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const run = promisify(execFile);

function pgCtl(...args: string[]) {
  const pgctl = "/usr/lib/postgresql/15/bin/pg_ctl";
  return process.getuid?.() === 0
    ? run("runuser", ["-u", "postgres", "--", pgctl, "-D", STANDBY_DIR, ...args])
    : run(pgctl, ["-D", STANDBY_DIR, ...args]);
}

export async function stopStandby(): Promise<void> {
  await pgCtl("-m", "fast", "-w", "stop");
}

/** Starts the standby again and waits until it streams from the primary. */
export async function startStandby(): Promise<void> {
  await pgCtl("-l", `${STANDBY_DIR}/standby.log`, "-w", "-t", "60", "start");
  const until = Date.now() + 20_000;
  for (;;) {
    const status = await onStandby(
      async (c) => (await c.query("select status from pg_stat_wal_receiver")).rows[0]?.status,
    ).catch(() => undefined);
    if (status === "streaming") return;
    if (Date.now() > until) throw new Error("the standby did not stream again within 20 s");
    await new Promise((r) => setTimeout(r, 100));
  }
}

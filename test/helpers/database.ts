/**
 * @module
 * Isolated databases for suites: each file gets a fresh database on the local
 * PostgreSQL (pgvector installed by scripts/setup-postgres.sh) and drops it at
 * the end, so suites never share rows.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";

export const PG_HOST = process.env.TEST_PG_HOST ?? "127.0.0.1";
export const PG_PORT = Number(process.env.TEST_PG_PORT ?? 5432);
export const ADMIN_URL = `postgres://postgres@${PG_HOST}:${PG_PORT}/postgres`;

export function urlFor(database: string, user = "postgres"): string {
  return `postgres://${user}@${PG_HOST}:${PG_PORT}/${database}`;
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>, database = "postgres"): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor(database), application_name: "sm-test-admin" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export type TestDatabase = { name: string; url: string; drop(): Promise<void> };

export async function createTestDatabase(prefix = "sm"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdmin((c) => c.query(`create database "${name}"`));
  await withAdmin((c) => c.query("create extension if not exists vector"), name);
  return {
    name,
    url: urlFor(name),
    drop: () => withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/** A login role (not a superuser, so `connection limit` applies to it). */
export async function ensureRole(name: string, connectionLimit: number): Promise<void> {
  await withAdmin(async (c) => {
    const exists = await c.query("select 1 from pg_roles where rolname = $1", [name]);
    if (exists.rowCount === 0) await c.query(`create role "${name}" login`);
    await c.query(`alter role "${name}" connection limit ${connectionLimit}`);
  });
}

/** Backends of one application_name, across all databases. */
export async function backendsOf(admin: pg.Client, applicationName: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    "select pid from pg_stat_activity where application_name = $1 order by pid",
    [applicationName],
  );
  return rows.map((r) => r.pid);
}

/** Samples backend counts until stopped; returns the peak seen. */
export function sampleBackends(admin: pg.Client, applicationName: string, everyMs = 10) {
  let peak = 0;
  let running = true;
  const seen = new Set<number>();
  const loop = (async () => {
    while (running) {
      const pids = await backendsOf(admin, applicationName);
      for (const p of pids) seen.add(p);
      peak = Math.max(peak, pids.length);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { peak, pids: [...seen].sort((a, b) => a - b) };
    },
  };
}

export function uniqueAppName(label: string): string {
  return `smt-${label}-${Math.random().toString(36).slice(2, 8)}`;
}

const run = promisify(execFile);

/**
 * `pg_ctlcluster … restart -m fast` on the cluster that serves PG_PORT (several
 * clusters may run on one machine; only the suite's own is restarted).
 */
export async function restartPostgres(): Promise<void> {
  const { stdout } = await run("pg_lsclusters", ["--no-header"]);
  const line = stdout
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((cols) => Number(cols[2]) === PG_PORT);
  if (!line) throw new Error(`no PostgreSQL cluster listens on port ${PG_PORT} (pg_lsclusters)`);
  await run("pg_ctlcluster", ["--skip-systemctl-redirect", line[0]!, line[1]!, "restart", "-m", "fast"]);
}

/**
 * @module
 * Applies bundled migrations in order, each exactly once, even when many cold
 * starts or deploys run it at the same moment. Each migration is ONE atomic
 * batch: take a transaction-scoped advisory lock, record the migration id
 * (primary key), then run its statements. A racer that lost waits on the lock,
 * then hits the recorded id (23505) and rolls back having changed nothing. The
 * batch is non-interactive, so it works over Neon's HTTP transport too.
 */
import { DatabaseError, type Db, sqlStateOf } from "../db/index.js";
import { MIGRATIONS } from "./migrations.gen.js";
import type { Migration } from "./types.js";

/** Arbitrary, fixed: the advisory lock id that serialises migrators. */
const LOCK_ID = "7240319561";

export class MigrationFailed extends Error {
  override readonly name = "MigrationFailed";
  constructor(
    readonly migrationId: string,
    cause: unknown,
  ) {
    super(`migration ${migrationId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

export type MigrateResult = { applied: string[]; alreadyApplied: string[] };

export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  const done = await appliedIds(db);
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of migrations) {
    if (done.has(m.id)) {
      result.alreadyApplied.push(m.id);
      continue;
    }
    try {
      await db.batch([
        { text: "select pg_advisory_xact_lock($1::bigint)", params: [LOCK_ID] },
        {
          text: `create table if not exists schema_migrations (
            id text primary key, checksum text not null, applied_at timestamptz not null default now())`,
        },
        { text: "insert into schema_migrations (id, checksum) values ($1, $2)", params: [m.id, m.checksum] },
        ...m.statements.map((text) => ({ text })),
      ]);
      result.applied.push(m.id);
    } catch (err) {
      if (sqlStateOf(err) === "23505" || (err instanceof DatabaseError && err.code === "23505")) {
        result.alreadyApplied.push(m.id);
        continue;
      }
      throw new MigrationFailed(m.id, err);
    }
  }
  return result;
}

async function appliedIds(db: Db): Promise<Set<string>> {
  try {
    const rows = await db.query<{ id: string }>("select id from schema_migrations");
    return new Set(rows.map((r) => r.id));
  } catch (err) {
    if ((err as DatabaseError).code === "42P01") return new Set();
    throw err;
  }
}

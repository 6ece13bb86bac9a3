/**
 * @module
 * The key store's SQL (`memory_api_keys`): the one place it lives. Rows hold
 * a SHA-256 digest of each key, never the key; listings never return the digest.
 */
import type { Db } from "../db/index.js";

export type KeyScope = "read" | "write" | "admin";

/** A stored key as listings show it: never the key, never its digest. */
export type ApiKeyRecord = {
  id: string;
  name: string;
  prefix: string;
  scope: KeyScope;
  indexes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

type KeyRow = {
  id: string;
  name: string;
  key_prefix: string;
  scope: KeyScope;
  index_patterns: string[];
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
};

const COLUMNS = "id, name, key_prefix, scope, index_patterns, created_at, last_used_at, revoked_at";

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.key_prefix,
    scope: row.scope,
    indexes: row.index_patterns,
    createdAt: iso(row.created_at)!,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

export async function insertKey(
  db: Db,
  key: { id: string; name: string; hash: string; prefix: string; scope: KeyScope; patterns: string[] },
): Promise<ApiKeyRecord> {
  const [row] = await db.query<KeyRow>(
    `insert into memory_api_keys (id, name, key_hash, key_prefix, scope, index_patterns)
     values ($1, $2, $3, $4, $5, $6::text[]) returning ${COLUMNS}`,
    [key.id, key.name, key.hash, key.prefix, key.scope, key.patterns],
  );
  return toRecord(row!);
}

/** The live (unrevoked) key with this digest. */
export async function findActiveKey(
  db: Db,
  hash: string,
): Promise<{ id: string; scope: KeyScope; patterns: string[] } | undefined> {
  const [row] = await db.query<{ id: string; scope: KeyScope; index_patterns: string[] }>(
    "select id, scope, index_patterns from memory_api_keys where key_hash = $1 and revoked_at is null",
    [hash],
  );
  return row ? { id: row.id, scope: row.scope, patterns: row.index_patterns } : undefined;
}

/** Whether any key was ever issued; revoked ones count, so revoking every key does not reopen the service. */
export async function anyKeyIssued(db: Db): Promise<boolean> {
  const [row] = await db.query<{ issued: boolean }>("select exists (select 1 from memory_api_keys) as issued");
  return row?.issued === true;
}

/** Oldest first. Keys are issued by hand, so a bound (not pagination) is enough. */
export async function listKeyRecords(db: Db, limit: number): Promise<ApiKeyRecord[]> {
  const rows = await db.query<KeyRow>(`select ${COLUMNS} from memory_api_keys order by created_at, id limit $1`, [
    limit,
  ]);
  return rows.map(toRecord);
}

/** Idempotent: revoking a revoked key keeps its first revocation time. */
export async function revokeKeyRecord(db: Db, id: string): Promise<ApiKeyRecord | undefined> {
  const [row] = await db.query<KeyRow>(
    `update memory_api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1 returning ${COLUMNS}`,
    [id],
  );
  return row ? toRecord(row) : undefined;
}

/** One statement for every key used since the last flush. */
export async function touchKeys(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query("update memory_api_keys set last_used_at = now() where id = any($1::text[])", [ids]);
}

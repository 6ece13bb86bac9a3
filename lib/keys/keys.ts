/**
 * @module
 * Key verbs for the admin routes (and so the CLI): create (the key itself is
 * returned this once and never again), list, revoke. Framework-free; the
 * HTTP edge validates the body's shape, these enforce the rules.
 *
 * @example
 * const { key, record } = await createApiKey(db, { name: "acme app", scope: "write", indexes: ["acme-*"] });
 */
import type { Db } from "../db/index.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { insertKey, listKeyRecords, revokeKeyRecord } from "../store/key-store.js";
import { normalizePatterns } from "./patterns.js";
import { forgetKeys, noteKeyIssued } from "./resolver.js";
import { displayPrefix, generateKey, hashKey, newKeyId } from "./secret.js";
import type { ApiKeyRecord, NewApiKey } from "./types.js";

const MAX_LISTED = 1000;

export async function createApiKey(db: Db, input: NewApiKey): Promise<{ key: string; record: ApiKeyRecord }> {
  const name = input.name.trim();
  if (name === "" || /\p{Cc}/u.test(name)) throw new ValidationError("name must be non-empty printable text");
  const patterns = normalizePatterns(input.indexes);
  // An admin key can issue keys for any index, so limiting its own indexes would be an illusion.
  if (input.scope === "admin" && !(patterns.length === 1 && patterns[0] === "*")) {
    throw new ValidationError('indexes: an admin key sees every index; use ["*"] (or a write key for patterns)');
  }
  const key = generateKey();
  const record = await insertKey(db, {
    id: newKeyId(),
    name,
    hash: await hashKey(key),
    prefix: displayPrefix(key),
    scope: input.scope,
    patterns,
  });
  noteKeyIssued(db);
  return { key, record };
}

export function listApiKeys(db: Db): Promise<ApiKeyRecord[]> {
  return listKeyRecords(db, MAX_LISTED);
}

export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyRecord> {
  const record = /^key_[0-9a-f]{16}$/.test(id) ? await revokeKeyRecord(db, id) : undefined;
  if (!record) throw new NotFoundError("key", id.slice(0, 64));
  forgetKeys(db);
  return record;
}

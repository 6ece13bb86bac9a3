/**
 * @module
 * Resolves a presented key to its principal, with a short per-instance cache
 * so a busy key costs one indexed lookup per `TTL_MS`, not one per request —
 * and every lookup goes through the instance's one database handle.
 *
 * `last_used_at` is written at most once per `TOUCH_EVERY_MS` per instance, as
 * one statement for all keys used since the last write (handed to `waitUntil`
 * so it never delays a response). A revocation reaches other instances within
 * `TTL_MS`; on the instance that revoked it, at once (`forgetKeys`).
 *
 * `keysIssued` tells auth whether the service is closed: once any key exists,
 * an unknown key is refused even without `API_KEYS`. It is cached the same way,
 * and a `true` forever (keys are revoked, never deleted).
 */
import type { Db } from "../db/index.js";
import { log } from "../log/logger.js";
import { anyKeyIssued, findActiveKey, touchKeys } from "../store/key-store.js";
import { hashKey, looksLikeStoredKey } from "./secret.js";
import type { Principal } from "./types.js";

export const TTL_MS = 30_000;
export const TOUCH_EVERY_MS = 60_000;
/** Wrong keys are cached too (so a retry loop cannot hammer the database); this bounds the memory they take. */
const MAX_ENTRIES = 5_000;

type Entry = { principal: Promise<Principal | null>; expires: number };
type Issued = { value: Promise<boolean>; expires: number };
type InstanceState = { entries: Map<string, Entry>; used: Set<string>; lastTouch: number; issued?: Issued };

const states = new WeakMap<Db, InstanceState>();

function stateOf(db: Db): InstanceState {
  let state = states.get(db);
  if (!state) {
    state = { entries: new Map(), used: new Set(), lastTouch: 0 };
    states.set(db, state);
  }
  return state;
}

/** `null` for an unknown or revoked key. */
export async function resolveStoredKey(
  db: Db,
  presented: string,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<Principal | null> {
  if (!looksLikeStoredKey(presented)) return null;
  const state = stateOf(db);
  const hash = await hashKey(presented);
  const now = Date.now();
  let entry = state.entries.get(hash);
  if (!entry || entry.expires <= now) {
    const principal = findActiveKey(db, hash).then((row): Principal | null =>
      row ? { kind: "key", scope: row.scope, patterns: row.patterns, keyId: row.id } : null,
    );
    entry = { principal, expires: now + TTL_MS };
    // A failed lookup (database down) must not be remembered as "wrong key".
    principal.catch(() => state.entries.delete(hash));
    if (state.entries.size >= MAX_ENTRIES) state.entries.delete(state.entries.keys().next().value!);
    state.entries.set(hash, entry);
  }
  const principal = await entry.principal;
  if (principal?.keyId) noteUse(db, state, principal.keyId, now, waitUntil);
  return principal;
}

function noteUse(
  db: Db,
  state: InstanceState,
  id: string,
  now: number,
  waitUntil: (promise: Promise<unknown>) => void,
): void {
  state.used.add(id);
  if (now - state.lastTouch < TOUCH_EVERY_MS) return;
  state.lastTouch = now;
  const ids = [...state.used];
  state.used.clear();
  waitUntil(touchKeys(db, ids).catch((error: unknown) => log.warn("keys.touch_failed", { error })));
}

/** Whether any stored key was ever issued; one query per `TTL_MS` per instance until the answer is yes. */
export function keysIssued(db: Db): Promise<boolean> {
  const state = stateOf(db);
  const now = Date.now();
  if (!state.issued || state.issued.expires <= now) {
    const entry: Issued = { value: anyKeyIssued(db), expires: now + TTL_MS };
    entry.value.then(
      (issued) => {
        if (issued) entry.expires = Number.POSITIVE_INFINITY;
      },
      // A failed lookup (database down) is not remembered as "no keys".
      () => {
        if (state.issued === entry) state.issued = undefined;
      },
    );
    state.issued = entry;
  }
  return state.issued.value;
}

/** After an issue on this instance: closed at once, without waiting for the cache. */
export function noteKeyIssued(db: Db): void {
  stateOf(db).issued = { value: Promise.resolve(true), expires: Number.POSITIVE_INFINITY };
}

/** After a revocation: this instance stops honouring the key at once. */
export function forgetKeys(db: Db): void {
  stateOf(db).entries.clear();
}

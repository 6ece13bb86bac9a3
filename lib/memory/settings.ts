/**
 * @module
 * An index's ranking settings: what every search and ask on the index starts from before the request's own
 * `args` (key by key). The keys are {@link IndexSettings}, derived from the ranking options of search args.
 *
 * A search reads them through {@link settingsForSearch}: the store keeps them per instance (per database handle,
 * `store/index-settings.ts`) for `SEARCH_SETTINGS_TTL_MS`, so a warm search is one statement, not two. A change made
 * through this instance replaces its entry at once; another instance sees it once its entry expires.
 *
 * @example
 * await updateIndexSettings(ctx, "handbook", { text_weight: 0.7, query_expansion: null }); // null = back to default
 */
import { NotFoundError, ValidationError } from "../errors.js";
import {
  cachedIndexSettings,
  patchIndexSettings,
  readIndexSettings,
  rememberIndexSettings,
} from "../store/index-settings.js";
import { describeIssue, IndexSettings, SETTING_KEYS, storedSettings } from "./ranking-args.js";
import type { Reading, SearchSettings } from "./types.js";

export async function getIndexSettings(ctx: Reading, index: string): Promise<IndexSettings> {
  const raw = await readIndexSettings(ctx.db, index);
  if (raw === undefined) throw new NotFoundError("index", index);
  return storedSettings(raw);
}

/** The settings a search on `index` starts from; `{}` for an index that does not exist (it has no results). */
export function settingsForSearch(
  ctx: Reading & { config: Pick<SearchSettings, "SEARCH_SETTINGS_TTL_MS"> },
  index: string,
): Promise<IndexSettings> {
  const ttl = ctx.config.SEARCH_SETTINGS_TTL_MS;
  return cachedIndexSettings(ctx.db, ctx.reader ?? ctx.db, index, ttl).then(storedSettings);
}

/** Sets the given keys, removes those given as null; unknown keys and bad values are a ValidationError. */
export async function updateIndexSettings(
  ctx: Reading & { config: Pick<SearchSettings, "SEARCH_SETTINGS_TTL_MS"> },
  index: string,
  patch: Record<string, unknown>,
): Promise<IndexSettings> {
  const unknown = Object.keys(patch).filter((k) => !(SETTING_KEYS as string[]).includes(k));
  if (unknown.length > 0) {
    throw new ValidationError(`${unknown[0]}: not a ranking setting (settings: ${SETTING_KEYS.join(", ")})`);
  }
  const remove = Object.keys(patch).filter((k) => patch[k] === null);
  const parsed = IndexSettings.strict().safeParse(
    Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null)),
  );
  if (!parsed.success) throw new ValidationError(describeIssue("settings", parsed.error));
  const stored = await patchIndexSettings(ctx.db, index, parsed.data, remove);
  if (stored === undefined) throw new NotFoundError("index", index);
  // This instance's later searches use the new settings at once (the write's own result, not a replica's read).
  rememberIndexSettings(ctx.db, index, stored, ctx.config.SEARCH_SETTINGS_TTL_MS);
  return storedSettings(stored);
}

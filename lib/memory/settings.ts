/**
 * @module
 * An index's ranking settings: what every search and ask on the index starts from before the request's own
 * `args` (key by key). The keys are {@link IndexSettings}, derived from the ranking options of search args.
 *
 * @example
 * await updateIndexSettings(ctx, "handbook", { text_weight: 0.7, query_expansion: null }); // null = back to default
 */
import { NotFoundError, ValidationError } from "../errors.js";
import { patchIndexSettings, readIndexSettings } from "../store/index-settings.js";
import { describeIssue, IndexSettings, SETTING_KEYS, storedSettings } from "./ranking-args.js";
import type { MemoryContext } from "./types.js";

export async function getIndexSettings(ctx: MemoryContext, index: string): Promise<IndexSettings> {
  const raw = await readIndexSettings(ctx.db, index);
  if (raw === undefined) throw new NotFoundError("index", index);
  return storedSettings(raw);
}

/** Sets the given keys, removes those given as null; unknown keys and bad values are a ValidationError. */
export async function updateIndexSettings(
  ctx: MemoryContext,
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
  return storedSettings(stored);
}

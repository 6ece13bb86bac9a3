/**
 * @module
 * The text-search configuration (language) an upload gives the index it creates: `args.text_search_config`,
 * else `SEARCH_TEXT_CONFIG` (English stemming and stop words by default). An index keeps its configuration for
 * life, because its stored lexemes and term statistics were made with it.
 */
import { ValidationError } from "../errors.js";
import type { MemoryContext } from "../memory/types.js";
import { indexTextConfig, textConfigExists } from "../store/text-config.js";

export const TEXT_CONFIG_ARG = "text_search_config";
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The configuration to record; throws ValidationError for unknown names or a change to an existing index. */
export async function textConfigForUpload(
  ctx: Pick<MemoryContext, "db" | "config">,
  index: string,
  args: Record<string, unknown> | undefined,
): Promise<string> {
  const requested = args?.[TEXT_CONFIG_ARG];
  if (requested === undefined || requested === null) return ctx.config.SEARCH_TEXT_CONFIG;
  if (typeof requested !== "string" || !NAME.test(requested)) {
    throw new ValidationError(`args.${TEXT_CONFIG_ARG} must be a text-search configuration name, e.g. english`);
  }
  if (!(await textConfigExists(ctx.db, requested))) {
    throw new ValidationError(
      `args.${TEXT_CONFIG_ARG}: no text-search configuration '${requested}' in this database (see pg_ts_config)`,
    );
  }
  const current = await indexTextConfig(ctx.db, index);
  if (current !== undefined && current !== requested) {
    throw new ValidationError(
      `index '${index}' uses the text-search configuration '${current}'; it is fixed when the index is created`,
    );
  }
  return requested;
}

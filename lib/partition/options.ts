/**
 * @module
 * Partitioning options: Kernel Memory's defaults, validation, and the per-request overrides KM clients send in
 * `args` (keys from KM's `Constants.CustomContext.Partitioning`).
 */

import { InvalidPartitionOptions } from "./errors.js";
import { countTokens } from "./tokenizer.js";

export type PartitionOptions = { maxTokensPerChunk: number; overlapTokens: number; chunkHeader?: string };

/** Kernel Memory's `TextPartitioningOptions` defaults: 1000-token paragraphs, 100 tokens of overlap. */
export const DEFAULT_PARTITION: PartitionOptions = Object.freeze({ maxTokensPerChunk: 1000, overlapTokens: 100 });

/** Larger chunks exceed every mainstream embedding model's input and are certainly a typo. */
export const MAX_TOKENS_CEILING = 8192;

/** A UTF-8 character is at most 4 bytes, hence at most 4 byte-level BPE tokens: the least text a chunk can carry. */
export const MIN_BODY_TOKENS = 4;

/** Kernel Memory's exact `args` keys (`Constants.CustomContext.Partitioning`). */
export const KM_ARGS = {
  maxTokensPerChunk: "custom_partitioning_max_tokens_per_paragraph_int",
  overlapTokens: "custom_partitioning_overlapping_tokens_int",
  chunkHeader: "custom_partitioning_chunk_header_str",
} as const;

// The same keys without KM's type suffix, as people tend to write them by hand.
const ALIASES: Record<keyof typeof KM_ARGS, readonly string[]> = {
  maxTokensPerChunk: [KM_ARGS.maxTokensPerChunk, "custom_partitioning_max_tokens_per_paragraph"],
  overlapTokens: [KM_ARGS.overlapTokens, "custom_partitioning_overlapping_tokens"],
  chunkHeader: [KM_ARGS.chunkHeader, "custom_partitioning_chunk_header"],
};

/**
 * Reads per-request partitioning overrides from a KM `args` object. Absent keys stay absent (the caller's
 * defaults apply); present but invalid values yield a readable error instead of being silently ignored.
 *
 * @example
 * partitionOptionsFromArgs({ custom_partitioning_max_tokens_per_paragraph_int: "200" })
 * // → { options: { maxTokensPerChunk: 200 } }
 */
export function partitionOptionsFromArgs(
  args: Record<string, unknown> | undefined,
): { options: Partial<PartitionOptions> } | { error: string } {
  const options: Partial<PartitionOptions> = {};
  if (!args) return { options };

  const max = readArg(args, "maxTokensPerChunk");
  if (max !== undefined) {
    const parsed = parseTokenCount(max.key, max.value, MIN_BODY_TOKENS);
    if (typeof parsed === "string") return { error: parsed };
    options.maxTokensPerChunk = parsed;
  }

  const overlap = readArg(args, "overlapTokens");
  if (overlap !== undefined) {
    const parsed = parseTokenCount(overlap.key, overlap.value, 0);
    if (typeof parsed === "string") return { error: parsed };
    options.overlapTokens = parsed;
  }

  const header = readArg(args, "chunkHeader");
  if (header !== undefined && header.value !== null && header.value !== "") {
    if (typeof header.value !== "string") return { error: `${header.key} must be a string` };
    options.chunkHeader = header.value;
  }

  const resolved = resolveOptions(options);
  return typeof resolved === "string" ? { error: resolved } : { options };
}

/**
 * Merges overrides onto the defaults and validates them; throws `InvalidPartitionOptions` with the reason.
 *
 * A default overlap that does not fit a smaller max is scaled down (to KM's 10% ratio) rather than rejected:
 * a caller who only asked for smaller chunks made no mistake. An overlap the caller set explicitly is rejected.
 */
export function resolvePartitionOptions(overrides: Partial<PartitionOptions> | undefined): PartitionOptions {
  const resolved = resolveOptions(overrides ?? {});
  if (typeof resolved === "string") throw new InvalidPartitionOptions(resolved);
  return resolved;
}

/** The header as prepended to each chunk: on its own line unless it already ends in whitespace. */
export function headerPrefix(chunkHeader: string | undefined): string {
  if (!chunkHeader) return "";
  return /\s$/.test(chunkHeader) ? chunkHeader : `${chunkHeader}\n`;
}

function resolveOptions(overrides: Partial<PartitionOptions>): PartitionOptions | string {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const resolved: PartitionOptions = { ...DEFAULT_PARTITION, ...defined };
  if (overrides.overlapTokens === undefined && resolved.overlapTokens >= resolved.maxTokensPerChunk) {
    resolved.overlapTokens = Math.floor(resolved.maxTokensPerChunk / 10);
  }
  return checkOptions(resolved) ?? resolved;
}

function checkOptions(resolved: PartitionOptions): string | undefined {
  const { maxTokensPerChunk: max, overlapTokens: overlap } = resolved;
  if (!Number.isInteger(max) || max < MIN_BODY_TOKENS || max > MAX_TOKENS_CEILING) {
    return `max tokens per chunk must be an integer from ${MIN_BODY_TOKENS} to ${MAX_TOKENS_CEILING} (got ${max})`;
  }
  if (!Number.isInteger(overlap) || overlap < 0) {
    return `overlapping tokens must be a non-negative integer (got ${overlap})`;
  }
  if (overlap >= max) {
    return `overlapping tokens (${overlap}) must be smaller than max tokens per chunk (${max})`;
  }
  if (resolved.chunkHeader !== undefined && typeof resolved.chunkHeader !== "string") {
    return "the chunk header must be a string";
  }
  if (resolved.chunkHeader) {
    const headerTokens = countTokens(headerPrefix(resolved.chunkHeader));
    if (max - headerTokens < MIN_BODY_TOKENS) {
      return `the chunk header takes ${headerTokens} tokens, leaving no room for text in a ${max}-token chunk`;
    }
  }
  return undefined;
}

function readArg(
  args: Record<string, unknown>,
  option: keyof typeof KM_ARGS,
): { key: string; value: unknown } | undefined {
  for (const key of ALIASES[option]) {
    if (Object.hasOwn(args, key) && args[key] !== undefined) return { key, value: args[key] };
  }
  return undefined;
}

function parseTokenCount(key: string, value: unknown, min: number): number | string {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && value.trim() !== ""
        ? Number(value.trim())
        : Number.NaN;
  if (!Number.isFinite(n) || !Number.isInteger(n))
    return `${key} must be a whole number (got ${JSON.stringify(value)})`;
  if (n < min) return `${key} must be at least ${min} (got ${n})`;
  if (n > MAX_TOKENS_CEILING) return `${key} must be at most ${MAX_TOKENS_CEILING} (got ${n})`;
  return n;
}

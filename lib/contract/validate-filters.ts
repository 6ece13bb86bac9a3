/**
 * @module
 * Kernel Memory filters as clients send them, checked and copied: `[{ key: [values] }]` (AND inside a
 * filter, OR across them; `[{}]` matches all), plus `$not` and `$range`. Keys are user tag keys or KM's
 * system tags (`checkFilterKey`, the one rule both edges — HTTP and MCP — apply through `validateFilters`).
 *
 * @example
 * validateFilters([{ __document_id: ["doc-1"] }]) // ok: MemoryFilters.ByDocument("doc-1")
 * validateFilters([{ __owner: ["x"] }])           // ValidationError: reserved for system tags
 */
import { ValidationError } from "../errors.js";
import type { MemoryFilter, Tags } from "../memory/types.js";
import { RESERVED_KEYS } from "./json-shape.js";
import { checkTagKey, checkTagValue, clip } from "./validate.js";

export const MAX_FILTERS = 50;
export const MAX_TAGS_PER_FILTER = 50;
/**
 * Kernel Memory's reserved tags (its `Constants.Reserved*Tag`): every partition carries them (`__synth` only
 * synthetic ones, which we never make), and clients filter by them — `MemoryFilters.ByDocument(id)` sends
 * `{"__document_id": [id]}`. Filters may name them; uploads may not set them (any `__` key, as in KM).
 */
export const SYSTEM_TAGS: ReadonlySet<string> = new Set([
  "__document_id",
  "__file_id",
  "__file_part",
  "__part_n",
  "__sect_n",
  "__file_type",
  "__synth",
  // Ours, added beside KM's: the worksheet name of an XLSX chunk (its `__sect_n` is the sheet's number).
  "__sect_name",
]);

type RangeBound = string | number;
type Range = { gt?: RangeBound; gte?: RangeBound; lt?: RangeBound; lte?: RangeBound };
const RANGE_OPS = ["gt", "gte", "lt", "lte"] as const;

/**
 * Kernel Memory's `[{ key: [values] }]` (AND inside a filter, OR across them;
 * `[{}]` matches everything), plus `$not` and `$range`. `null`/missing → `[]`.
 * The result is a fresh, checked copy: only the shapes documented here survive.
 */
export function validateFilters(raw: unknown): MemoryFilter[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ValidationError("filters must be an array of { key: [values] } objects");
  if (raw.length > MAX_FILTERS) throw new ValidationError(`filters: at most ${MAX_FILTERS} filters are allowed`);
  return raw.map((filter, i) => validateFilter(filter, `filters[${i}]`));
}

function validateFilter(filter: unknown, path: string): MemoryFilter {
  if (filter === null || typeof filter !== "object" || Array.isArray(filter)) {
    throw new ValidationError(`${path} must be an object of { key: [values] }`);
  }
  const out: MemoryFilter = {};
  let count = 0;
  for (const [key, value] of Object.entries(filter)) {
    if (key === "$not") {
      const not = validateTagMatch(value, `${path}.$not`);
      count += Object.keys(not).length;
      out.$not = not;
    } else if (key === "$range") {
      const range = validateRanges(value, `${path}.$range`);
      count += Object.keys(range).length;
      out.$range = range;
    } else if (key.startsWith("$")) {
      throw new ValidationError(`${path}.${key}: unknown operator (supported: $not, $range)`);
    } else {
      checkFilterKey(key, path);
      out[key] = tagValues(value, `${path}.${key}`);
      count++;
    }
  }
  if (count > MAX_TAGS_PER_FILTER) {
    throw new ValidationError(`${path}: at most ${MAX_TAGS_PER_FILTER} tags per filter are allowed`);
  }
  return out;
}

function validateTagMatch(value: unknown, path: string): Tags {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(`${path} must be an object of { key: [values] }`);
  }
  const out: Tags = {};
  for (const [key, values] of Object.entries(value)) {
    checkFilterKey(key, path);
    out[key] = tagValues(values, `${path}.${key}`);
  }
  return out;
}

function tagValues(value: unknown, path: string): string[] {
  // Kernel Memory serialises a filter key with one value as a one-element list; accept a bare string too.
  const values = typeof value === "string" ? [value] : value;
  if (!Array.isArray(values)) throw new ValidationError(`${path} must be an array of strings`);
  if (values.length > MAX_TAGS_PER_FILTER) {
    throw new ValidationError(`${path}: at most ${MAX_TAGS_PER_FILTER} values are allowed`);
  }
  return values.map((v, i) => {
    if (typeof v !== "string") throw new ValidationError(`${path}[${i}] must be a string`);
    checkTagValue(v, `${path}[${i}]`);
    return v;
  });
}

function validateRanges(value: unknown, path: string): Record<string, Range> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(`${path} must be an object of { key: { gt?, gte?, lt?, lte? } }`);
  }
  const out: Record<string, Range> = {};
  for (const [key, bounds] of Object.entries(value)) {
    checkFilterKey(key, path);
    const at = `${path}.${key}`;
    if (bounds === null || typeof bounds !== "object" || Array.isArray(bounds)) {
      throw new ValidationError(`${at} must be an object with gt, gte, lt or lte`);
    }
    const range: Range = {};
    for (const [op, bound] of Object.entries(bounds)) {
      if (!(RANGE_OPS as readonly string[]).includes(op)) {
        throw new ValidationError(`${at}.${op}: unknown bound (supported: gt, gte, lt, lte)`);
      }
      if (typeof bound === "number") {
        if (!Number.isFinite(bound)) throw new ValidationError(`${at}.${op} must be a finite number`);
      } else if (typeof bound === "string") {
        checkTagValue(bound, `${at}.${op}`);
      } else {
        throw new ValidationError(`${at}.${op} must be a string or a number`);
      }
      range[op as keyof Range] = bound;
    }
    if (Object.keys(range).length === 0) throw new ValidationError(`${at} needs at least one of gt, gte, lt, lte`);
    out[key] = range;
  }
  return out;
}

/**
 * The one rule for a tag key inside a filter (plain, `$not` or `$range`), whichever edge the filter came
 * through: a user tag key, or one of Kernel Memory's system tags. Other `__` keys are refused, since no
 * partition carries them and a typo there would silently match nothing.
 */
export function checkFilterKey(key: string, path: string): void {
  if (SYSTEM_TAGS.has(key)) return;
  if (!key.startsWith("__") || RESERVED_KEYS.has(key)) {
    checkTagKey(key, path);
    return;
  }
  throw new ValidationError(
    `${path}: tag key '${clip(key)}' uses the prefix '__', reserved for system tags (${[...SYSTEM_TAGS].join(", ")})`,
  );
}

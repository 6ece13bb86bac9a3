/**
 * @module
 * Index patterns of scoped keys: normalised index names in which `*` stands
 * for any run of characters (`acme-*`, `*-public`, `*`). Patterns are
 * normalised like index names, so `Acme *` and `acme-*` are the same pattern.
 *
 * @example
 * matchesAny(["acme-*"], "acme-docs") // true
 * matchesAny(["acme-*"], "globex")    // false
 */
import { ValidationError } from "../errors.js";

const PATTERN = /^[a-z0-9*-]{1,128}$/;
export const MAX_PATTERNS = 50;

export function normalizePatterns(raw: readonly string[]): string[] {
  if (raw.length === 0) throw new ValidationError("indexes: at least one index pattern is required (`*` for all)");
  if (raw.length > MAX_PATTERNS) throw new ValidationError(`indexes: at most ${MAX_PATTERNS} patterns`);
  const patterns = raw.map((p) => {
    const pattern = p
      .trim()
      .toLowerCase()
      .replace(/[\s_.:/\\|]/g, "-");
    if (!PATTERN.test(pattern)) {
      throw new ValidationError(`indexes: '${p.slice(0, 64)}' is not an index name or a pattern with *`);
    }
    return pattern;
  });
  return [...new Set(patterns)];
}

const compiled = new Map<string, RegExp>();

export function matchesAny(patterns: readonly string[], index: string): boolean {
  return patterns.some((p) => p === "*" || p === index || regexFor(p).test(index));
}

function regexFor(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    // Only `*` is special; the other allowed characters ([a-z0-9-]) need no escaping.
    re = new RegExp(`^${pattern.replaceAll("*", ".*")}$`);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

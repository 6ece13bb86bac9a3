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

export function matchesAny(patterns: readonly string[], index: string): boolean {
  return patterns.some((p) => globMatches(p, index));
}

/**
 * Whether `text` matches `pattern`, where `*` matches any run of characters. No regular expression: a
 * backtracking engine took 58 s for `*-*-*-*-*-*-prod` against 120 dashes and an `x`. Here the literal
 * pieces between stars are found left to right, each at its first occurrence after the previous one
 * (the leftmost choice never loses a match a later one would find), so the work is bounded by
 * pattern length × text length whatever the input.
 */
export function globMatches(pattern: string, text: string): boolean {
  const pieces = pattern.split("*");
  if (pieces.length === 1) return pattern === text;
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  if (text.length < head.length + tail.length || !text.startsWith(head) || !text.endsWith(tail)) return false;
  const end = text.length - tail.length;
  let at = head.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece === "") continue;
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

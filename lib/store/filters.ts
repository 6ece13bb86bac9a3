/**
 * @module
 * Kernel Memory filters as SQL over `memory_chunks c`. Inside one filter every
 * tag must match (AND); the filters of a list are OR-ed; `{}` matches all.
 * Extensions KM clients never send: `$not` (none of these tags) and `$range`
 * (numeric when the bound is a number, else lexical, so ISO dates compare).
 * Values only ever travel as parameters.
 */
import type { MemoryFilter } from "./records.js";

type Bound = "gt" | "gte" | "lt" | "lte";
const OPERATORS: Record<Bound, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=" };
const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Adds the filters' parameters to `params` and returns a boolean SQL expression. */
export function compileFilters(filters: readonly MemoryFilter[], params: unknown[]): string {
  if (filters.length === 0) return "true";
  const bind = (value: unknown) => `$${params.push(value)}`;
  const clauses = filters.map((filter) => {
    const parts: string[] = [];
    const required: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (key === "$not") {
        const excluded = tagStrings(value as Record<string, string[]>);
        if (excluded.length) parts.push(`not (c.tag_list && ${bind(excluded)}::text[])`);
      } else if (key === "$range") {
        for (const [tag, bounds] of Object.entries(value as Record<string, Partial<Record<Bound, string | number>>>)) {
          for (const [op, bound] of Object.entries(bounds) as Array<[Bound, string | number]>) {
            const numeric = typeof bound === "number" || NUMERIC.test(String(bound));
            const cmp = numeric
              ? `(v ~ '^-?[0-9]+(\\.[0-9]+)?$' and v::numeric ${OPERATORS[op]} ${bind(String(bound))}::numeric)`
              : `v ${OPERATORS[op]} ${bind(String(bound))}`;
            parts.push(`exists (select 1 from jsonb_array_elements_text(c.tags -> ${bind(tag)}) as r(v) where ${cmp})`);
          }
        }
      } else {
        for (const v of value as string[]) required.push(`${key}:${v}`);
      }
    }
    if (required.length) parts.unshift(`c.tag_list @> ${bind(required)}::text[]`);
    return parts.length ? `(${parts.join(" and ")})` : "true";
  });
  return `(${clauses.join(" or ")})`;
}

function tagStrings(tags: Record<string, string[]>): string[] {
  return Object.entries(tags).flatMap(([key, values]) => values.map((v) => `${key}:${v}`));
}

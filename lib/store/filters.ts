/**
 * @module
 * Kernel Memory filters as SQL over `memory_chunks c`. Inside one filter every
 * tag must match (AND); the filters of a list are OR-ed; `{}` matches all.
 * Extensions KM clients never send: `$not` (none of these tags) and `$range`
 * (numeric when the bound is a number, else lexical, so ISO dates compare).
 * Values only ever travel as parameters.
 *
 * Kernel Memory's system tags are filtered like user tags: `__document_id`, `__file_id`, `__file_type`,
 * `__part_n` and `__sect_n` are stored with every chunk. `__file_part` (KM: the partition's own id) is the
 * chunk id, a column, so it is matched there and added to the tags a search returns (`PARTITION_TAG_SQL`).
 */
import type { MemoryFilter } from "./records.js";

type Bound = "gt" | "gte" | "lt" | "lte";
const OPERATORS: Record<Bound, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=" };
const NUMERIC = /^-?\d+(\.\d+)?$/;
const PARTITION_TAG = "__file_part";

/** A chunk's stored tags plus `__file_part`, for the select list of searches. */
export const TAGS_WITH_PARTITION_SQL = `c.tags || jsonb_build_object('${PARTITION_TAG}', jsonb_build_array(c.id))`;

/** Adds the filters' parameters to `params` and returns a boolean SQL expression. */
export function compileFilters(filters: readonly MemoryFilter[], params: unknown[]): string {
  if (filters.length === 0) return "true";
  const bind = (value: unknown) => `$${params.push(value)}`;
  const clauses = filters.map((filter) => {
    const parts: string[] = [];
    const required: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (key === "$not") {
        const { [PARTITION_TAG]: partitions, ...others } = value as Record<string, string[]>;
        const excluded = tagStrings(others);
        if (excluded.length) parts.push(`not (c.tag_list && ${bind(excluded)}::text[])`);
        if (partitions?.length) parts.push(`c.id <> all(${bind(partitions)}::text[])`);
      } else if (key === "$range") {
        for (const [tag, bounds] of Object.entries(value as Record<string, Partial<Record<Bound, string | number>>>)) {
          const values = tag === PARTITION_TAG ? "jsonb_build_array(c.id)" : `c.tags -> ${bind(tag)}`;
          for (const [op, bound] of Object.entries(bounds) as Array<[Bound, string | number]>) {
            const numeric = typeof bound === "number" || NUMERIC.test(String(bound));
            const cmp = numeric
              ? `(v ~ '^-?[0-9]+(\\.[0-9]+)?$' and v::numeric ${OPERATORS[op]} ${bind(String(bound))}::numeric)`
              : `v ${OPERATORS[op]} ${bind(String(bound))}`;
            parts.push(`exists (select 1 from jsonb_array_elements_text(${values}) as r(v) where ${cmp})`);
          }
        }
      } else if (key === PARTITION_TAG) {
        // Like a stored tag holding one value: every value asked for must be that value.
        if ((value as string[]).length) parts.push(`c.id = all(${bind(value)}::text[])`);
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

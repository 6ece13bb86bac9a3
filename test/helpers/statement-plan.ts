/**
 * @module
 * What a statement did, read from PostgreSQL's own account of it: a `Db` that remembers the last statement it ran,
 * and EXPLAIN ANALYZE plans read as flat lists of nodes and as rows per CTE. For tests that check which branch of a
 * plan ran and how many rows it read — bounds, not times.
 */
import type { Db } from "../../lib/db/types.js";

export type Statement = { text: string; params?: readonly unknown[] };
export type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

/** `db` with its `query` recording each statement it runs (the last one is `last()`). */
export function recording(db: Db): { db: Db; last: () => Statement | undefined } {
  let last: Statement | undefined;
  const wrapped = new Proxy(db, {
    get: (target, key) =>
      key === "query"
        ? (text: string, params?: readonly unknown[]) => {
            last = { text, params };
            return target.query(text, params);
          }
        : Reflect.get(target, key),
  });
  return { db: wrapped, last: () => last };
}

/** `statement` run again under EXPLAIN ANALYZE: its plan's root node. */
export async function analyzed(db: Db, statement: Statement): Promise<PlanNode> {
  const [row] = await db.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(
    `explain (analyze, format json) ${statement.text}`,
    statement.params,
  );
  return row!["QUERY PLAN"][0]!.Plan;
}

/** Every node of a plan, subplans included. */
export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** Actual rows (times loops) of each CTE a plan ran, by name. */
export function cteRows(root: PlanNode): Map<string, number> {
  const rows = new Map<string, number>();
  for (const n of planNodes(root))
    if (String(n["Subplan Name"] ?? "").startsWith("CTE "))
      rows.set(String(n["Subplan Name"]).slice(4), Number(n["Actual Rows"]) * Number(n["Actual Loops"]));
  return rows;
}

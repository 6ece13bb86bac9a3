/**
 * @module
 * What PostgreSQL's planner chose for a benchmarked statement, so a floor is shown to use the same index as the
 * path it is the floor of (an exact scan is no floor for an HNSW path).
 */
import type { Db, Row } from "../../lib/db/types.js";

type PlanNode = { "Node Type": string; "Index Name"?: string; "Relation Name"?: string; Plans?: PlanNode[] };

/** The scans over memory_chunks in the plan, e.g. `Index Scan memory_chunks_hnsw_384`, `Seq Scan`. */
export function chunkScans(plan: PlanNode): string[] {
  const own =
    plan["Relation Name"] === "memory_chunks"
      ? [`${plan["Node Type"]}${plan["Index Name"] ? ` ${plan["Index Name"]}` : ""}`]
      : [];
  return [...own, ...(plan.Plans ?? []).flatMap(chunkScans)];
}

/** A Db that EXPLAINs every statement instead of running it and records the scans over memory_chunks. */
export function explainingDb(db: Db, scans: string[]): Db {
  return {
    ...db,
    query: async <T extends Row = Row>(text: string, params?: readonly unknown[]) => {
      const [row] = await db.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(
        `explain (format json) ${text}`,
        params,
      );
      scans.push(...chunkScans(row!["QUERY PLAN"][0]!.Plan));
      return [] as T[];
    },
  };
}

/** Distinct scans, in order, for a table cell. */
export const describeScans = (scans: string[]) => [...new Set(scans)].join(" + ") || "–";

/**
 * @module
 * The memory store's search SQL: nearest chunks by cosine similarity, fused
 * with a full-text leg, under Kernel Memory filters.
 */

import { toSql } from "pgvector";
import type { Db } from "../db/index.js";
import { dims, indexedDistance } from "./embedding-space.js";
import { compileFilters, TAGS_WITH_PARTITION_SQL } from "./filters.js";
import {
  DEFAULT_FEEDBACK,
  DEFAULT_HEADER_WEIGHT,
  DEFAULT_POSTINGS_BUDGET,
  hybridSql,
  type Ranking,
} from "./hybrid-search.js";
import type { MemoryFilter, Tags } from "./records.js";

export type SearchMode = "hybrid" | "vector" | "text";

export const DEFAULT_RANKING: Ranking = {
  textWeight: 0.9,
  k1: 1.2,
  b: 0.75,
  headerWeight: DEFAULT_HEADER_WEIGHT,
  postingsBudget: DEFAULT_POSTINGS_BUDGET,
  ...DEFAULT_FEEDBACK,
};

export type ChunkHit = {
  document_id: string;
  file_id: string;
  partition_number: number;
  section_number: number;
  text: string;
  tags: Tags;
  last_update: Date;
  file_name: string | null;
  content_type: string | null;
  source_url: string | null;
  relevance: number;
};

export type ChunkQuery = {
  index: string;
  vector: number[];
  dimensions: number;
  /** The query text for the full-text leg; absent = vector only. */
  text?: string;
  /** `hybrid` (default when `text` is given), `vector` (cosine only) or `text` (BM25 only). */
  mode?: SearchMode;
  ranking?: Ranking;
  filters: readonly MemoryFilter[];
  minRelevance: number;
  limit: number;
  /** HNSW `ef_search`; raised to the candidate count when that is larger. */
  efSearch: number;
  /** Hybrid/text: the unbounded reference plan (hybrid-search.ts), for tests and benches only. */
  exhaustive?: boolean;
};

/** How many nearest neighbours each leg of a hybrid search fetches for `limit` results. */
export function candidateCount(limit: number): number {
  return Math.min(400, Math.max(40, limit * 2));
}

/** The HNSW `ef_search` a search runs with: the configured one, raised to the candidate count (benchmark floors reuse it). */
export function effectiveEfSearch(limit: number, efSearch: number): number {
  return Math.min(1000, Math.max(efSearch, candidateCount(limit)));
}

/**
 * Chunks ordered by relevance: cosine similarity (vector), BM25 scaled into [0, 1) (text), or their weighted sum
 * (hybrid, see `hybrid-search.ts`). pgvector's iterative index scan keeps selective tag filters from starving the
 * vector leg; minRelevance applies to the relevance returned.
 */
export async function searchChunks(db: Db, q: ChunkQuery): Promise<ChunkHit[]> {
  const d = dims(q.dimensions);
  const candidates = candidateCount(q.limit);
  const efSearch = String(effectiveEfSearch(q.limit, q.efSearch));
  const params: unknown[] = [toSql(q.vector), q.index, q.limit, q.minRelevance];
  const restrict = `c.index_name = $2 and ${compileFilters(q.filters, params)}`;
  // vector_dims: the HNSW index is partial on it (see embedding-space.ts), so the nearest-neighbour scan states it.
  const where = `${restrict} and vector_dims(c.embedding) = ${d}`;
  // Ranking uses the index's half-precision distance; relevance (and minRelevance) the stored float32 vectors.
  const ranking = indexedDistance(d, "c.embedding", "$1");
  const distance = `(c.embedding::vector(${d}) <=> $1::vector(${d}))`;
  // Only statements with a nearest-neighbour scan carry the settings (an unreferenced parameter has no type).
  const vectorWhere = () => `${where} and ${hnswSettingsGate(`$${params.push(efSearch)}`)}`;
  const columns = `c.document_id, c.file_id, c.partition_number, c.section_number, c.text,
                   ${TAGS_WITH_PARTITION_SQL} as tags, c.last_update,
                   f.name as file_name, f.content_type, f.source_url, 1 - ${distance} as relevance`;
  const files = `left join memory_files f
                   on f.index_name = c.index_name and f.document_id = c.document_id and f.file_id = c.file_id`;
  const sql =
    q.mode === "vector" || !q.text
      ? // The nearest neighbours first, on the chunks alone, then the file columns for those `limit` rows: with the
        // join inside, the planner hash-joined every chunk the (iterative) index scan yielded and sorted them all.
        `select * from (
           select ${columns} from (
             select c.id, c.index_name, c.document_id, c.file_id, c.partition_number, c.section_number, c.text,
                    c.tags, c.last_update, c.embedding
             from memory_chunks c where ${vectorWhere()} order by ${ranking} limit $3
           ) c ${files}
         ) s where relevance >= $4 order by relevance desc`
      : hybridSql(
          {
            text: q.text,
            dimensions: q.dimensions,
            candidates,
            // Text mode is BM25 alone: the relevance is the scaled BM25 score, not a fused one.
            ranking: { ...(q.ranking ?? DEFAULT_RANKING), ...(q.mode === "text" ? { textWeight: 1 } : {}) },
            vectorLeg:
              q.mode === "text" ? undefined : { where: vectorWhere(), order: ranking, filtered: q.filters.length > 0 },
            exhaustive: q.exhaustive,
          },
          // The text leg does not test the dimension of every posting: that would read each one's vector from
          // TOAST (half the leg's cost at 100k chunks). Every row holds a vector (not null) of the one recorded
          // space — a re-embed swaps all of them in one transaction, and an embedder of another space is refused
          // at start — so only the rows whose vector is read test it (\`readable\` in hybrid-search.ts): after a
          // swap, an instance still on the old embedder leaves those rows out rather than fail on the cast.
          restrict,
          columns,
          files,
          params,
        );
  const rows = await db.query<ChunkHit>(sql, params);
  return rows.map((h) => ({ ...h, relevance: Number(h.relevance) }));
}

/**
 * pgvector's search settings, applied INSIDE the search statement, so a search is one round trip on every
 * transport. The condition references no column, so the planner turns it into a one-time filter (an InitPlan
 * evaluated before the scan under it starts), and pgvector reads both settings when the scan fetches its first
 * tuple. `set_config(…, true)` is transaction-local: the single statement's implicit transaction ends with it, so
 * nothing leaks to the next user of the connection — which is what makes it safe behind a transaction-mode pooler
 * (PgBouncer, Neon's -pooler), where a session SET or a per-connection startup `options` would either leak into
 * other clients' transactions or be refused. ef_search is per query (raised to the candidate count), which a
 * per-connection setting could not express. test/node/store/chunk-search.test.ts proves the settings take effect.
 */
export function hnswSettingsGate(efSearchParam: string): string {
  return `(select set_config('hnsw.iterative_scan', 'relaxed_order', true)
                || set_config('hnsw.ef_search', ${efSearchParam}, true)) is not null`;
}

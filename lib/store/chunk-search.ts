/**
 * @module
 * The memory store's search SQL: nearest chunks by cosine similarity, fused
 * with a full-text leg, under Kernel Memory filters.
 */

import { toSql } from "pgvector";
import type { Db } from "../db/index.js";
import { dims } from "./embedding-space.js";
import { compileFilters } from "./filters.js";
import type { MemoryFilter, Tags } from "./records.js";

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
  /** For the full-text leg of hybrid retrieval; absent = vector only. */
  text?: string;
  filters: readonly MemoryFilter[];
  minRelevance: number;
  limit: number;
  /** HNSW `ef_search`; raised to the candidate count when that is larger. */
  efSearch: number;
};

/**
 * Nearest chunks by cosine similarity, optionally fused with full-text hits by
 * reciprocal rank fusion. pgvector's iterative index scan keeps selective tag
 * filters from starving the result; minRelevance is applied in SQL.
 */
export async function searchChunks(db: Db, q: ChunkQuery): Promise<ChunkHit[]> {
  const d = dims(q.dimensions);
  const params: unknown[] = [toSql(q.vector), q.index, q.limit, q.minRelevance];
  const where = `c.index_name = $2 and ${compileFilters(q.filters, params)}`;
  const distance = `(c.embedding::vector(${d}) <=> $1::vector(${d}))`;
  const candidates = Math.min(400, Math.max(40, q.limit * 2));
  const columns = `c.document_id, c.file_id, c.partition_number, c.section_number, c.text, c.tags, c.last_update,
                   f.name as file_name, f.content_type, f.source_url, 1 - ${distance} as relevance`;
  const files = `left join memory_files f
                   on f.index_name = c.index_name and f.document_id = c.document_id and f.file_id = c.file_id`;
  let sql: string;
  const terms = q.text ? queryTerms(q.text) : [];
  if (terms.length) {
    const termsParam = `$${params.push(terms)}`;
    // The lexical leg ranks by the query's discriminative terms (those in at most 10% of the
    // index's chunks, weighted by IDF), so a rare exact term the embedding blurs still surfaces;
    // when every term is common, all of them count. Document frequencies are counted up to a cap.
    // MATERIALIZED: inlined, each per-term count would run once per reference (three to four times).
    sql = `with vec as (
             select id, row_number() over (order by dist) as r
               from (select c.id, ${distance} as dist from memory_chunks c where ${where}
                      order by ${distance} limit ${candidates}) v
           ), total as materialized (
             select count(*)::float8 as n from (select 1 from memory_chunks c where c.index_name = $2 limit 5000) s
           ), df as materialized (
             select t.term, (select count(*) from (select 1 from memory_chunks c
                               where c.index_name = $2 and c.fts @@ to_tsquery('simple', t.term) limit 5000) s)::float8 as n
               from unnest(${termsParam}::text[]) as t(term)
           ), weighted as materialized (
             select df.term, ln(1 + (total.n - df.n + 0.5) / (df.n + 0.5)) as idf,
                    df.n <= greatest(1, 0.1 * total.n) as rare
               from df, total where df.n > 0
           ), chosen as materialized (
             select term, idf, to_tsquery('simple', term) as q
               from weighted w where w.rare or not exists (select 1 from weighted where rare)
           ), any_term as materialized (
             -- One GIN lookup finds the candidates; each is then scored against the few chosen terms.
             select to_tsquery('simple', string_agg(term, ' | ')) as q from chosen
           ), txt as (
             select id, row_number() over (order by score desc, id) as r
               from (select c.id, (select sum(ch.idf) from chosen ch where c.fts @@ ch.q) as score
                       from memory_chunks c, any_term
                      where ${where} and c.fts @@ any_term.q
                      order by score desc, c.id limit ${candidates}) t
           ), fused as (
             select id, sum(1.0 / (60 + r)) as score from (select * from vec union all select * from txt) u group by id
           )
           select ${columns} from fused join memory_chunks c on c.id = fused.id ${files}
            where 1 - ${distance} >= $4
            order by fused.score desc, relevance desc limit $3`;
  } else {
    sql = `select * from (
             select ${columns} from memory_chunks c ${files} where ${where} order by ${distance} limit $3
           ) s where relevance >= $4 order by relevance desc`;
  }
  const results = await db.batch([
    { text: "select set_config('hnsw.iterative_scan', 'relaxed_order', true)" },
    {
      text: "select set_config('hnsw.ef_search', $1, true)",
      params: [String(Math.min(1000, Math.max(q.efSearch, candidates)))],
    },
    { text: sql, params },
  ]);
  return (results[2] as ChunkHit[]).map((h) => ({ ...h, relevance: Number(h.relevance) }));
}

/** Lower-cased word tokens, safe as `to_tsquery` operands (letters and digits only), at most 32. */
export function queryTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, 32);
}

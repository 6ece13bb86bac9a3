/**
 * @module
 * The hybrid (and text-only) search statement: BM25 over the index's text-search configuration, fused with cosine
 * similarity into one relevance the results are ordered by.
 *
 * Cost is bounded by the query, not the index: term statistics are read from `memory_terms` (kept by triggers),
 * and the text leg scores every chunk of the query's selective terms — rarest first, while their postings fit
 * `postingsBudget` — plus at most that many chunks holding ALL of the remaining (common) terms. A query of rare
 * terms is therefore ranked exactly as BM25 ranks it; one whose terms are all common reads a bounded AND.
 * The vector leg's nearest chunks are scored by BM25 too, and the text leg's by cosine, so each candidate carries
 * both signals and no leg can push a chunk up merely because the other leg missed it.
 */
import { dims } from "./embedding-space.js";

export type Ranking = {
  /** The text leg's share of the fused relevance; 1 = text only. */
  textWeight: number;
  k1: number;
  b: number;
  /** A header (title / file name) occurrence counts as this many body occurrences (BM25F-style field weight). */
  headerWeight: number;
  /**
   * Postings the text leg may score per query: the rarest terms' chunks are scored while their postings fit;
   * the remaining (common) terms contribute the chunks holding all of them, at most this many. A cost bound
   * only: document frequencies and BM25 itself stay exact.
   */
  postingsBudget: number;
};

export const DEFAULT_HEADER_WEIGHT = 2;
export const DEFAULT_POSTINGS_BUDGET = 250;

/** A tsquery operand for one already-normalised lexeme (quoted, so no character of it is syntax). */
const QUOTED = `'''' || replace(replace(t.lexeme, '\\', '\\\\'), '''', '\\''') || ''''`;

/**
 * SQL for one search. `params` already holds `$1` (vector), `$2` (index), `$3` (limit), `$4` (minRelevance) and the
 * filter values; this pushes the rest. `where` restricts chunks `c` (index and filters).
 */
export function hybridSql(
  q: {
    text: string;
    dimensions: number;
    candidates: number;
    ranking: Ranking;
    /** The nearest-neighbour leg: its restriction and the ORDER BY the HNSW index serves; absent in text mode. */
    vectorLeg?: { where: string; order: string };
  },
  where: string,
  columns: string,
  files: string,
  params: unknown[],
): string {
  const d = dims(q.dimensions);
  const distance = `(c.embedding::vector(${d}) <=> $1::vector(${d}))`;
  const p = (v: unknown) => `$${params.push(v)}`;
  const text = p(q.text);
  const k1 = `${p(q.ranking.k1)}::float8`;
  const b = `${p(q.ranking.b)}::float8`;
  const w = `${p(q.ranking.textWeight)}::float8`;
  const hw = `${p(q.ranking.headerWeight)}::float8`;
  const budget = `${p(Math.max(1, Math.round(q.ranking.postingsBudget)))}::int`;
  const vec = q.vectorLeg
    ? `select id from (select c.id from memory_chunks c where ${q.vectorLeg.where}
                          order by ${q.vectorLeg.order} limit ${q.candidates}) v`
    : "select null::text as id where false";
  // BM25 with Lucene's non-negative idf; tf counts header occurrences headerWeight times.
  const bm25 = `coalesce((
      select sum(w.idf * t.tf * (${k1} + 1) / (t.tf + ${k1} * (1 - ${b} + ${b} * c.fts_length / cfg.avgdl)))
        from (select a.lexeme, coalesce(array_length(a.positions, 1), 1) + (${hw} - 1) * coalesce(h.n, 0) as tf
                from unnest(ts_filter(setweight(c.fts, 'B', plan.lexemes), '{B}')) a
                left join (select lexeme, array_length(positions, 1) as n from unnest(ts_filter(c.fts, '{A}'))) h
                  using (lexeme)) t
        join weighted w using (lexeme)), 0)`;
  return `with cfg as materialized (
      select i.text_config as config, coalesce(s.chunks, 0)::float8 as n,
             greatest(coalesce(s.lexemes::float8 / nullif(s.chunks, 0), 1), 1) as avgdl
        from memory_indexes i left join memory_text_stats s on s.index_name = i.name where i.name = $2
    ), weighted as materialized (
      select t.lexeme, ${QUOTED} as operand, ln(1 + (cfg.n - m.chunks + 0.5) / (m.chunks + 0.5)) as idf,
             sum(m.chunks) over (order by m.chunks, t.lexeme) as postings
        from cfg, unnest(tsvector_to_array(to_tsvector(cfg.config, ${text}))) as t(lexeme)
        join memory_terms m on m.index_name = $2 and m.lexeme = t.lexeme
    ), plan as materialized (
      select (select string_agg(operand, ' | ') from weighted where postings <= ${budget})::tsquery as rare,
             (select string_agg(operand, ' & ') from weighted where postings > ${budget})::tsquery as common,
             array(select lexeme from weighted) as lexemes,
             -- BM25's ceiling for this query (every term saturated): divides the text score into [0, 1).
             (select sum(idf) from weighted) * (${k1} + 1) as best
    ), cand as (
      select c.id from memory_chunks c, plan where ${where} and c.fts @@ plan.rare
      union
      (select c.id from memory_chunks c, plan where ${where} and c.fts @@ plan.common limit ${budget})
      union
      ${vec}
    ), scored as (
      select c.id, ${bm25} as bm, 1 - ${distance} as cos from cand join memory_chunks c on c.id = cand.id, cfg, plan
    ), fused as (
      select s.id, case when plan.best > 0 then (1 - ${w}) * greatest(s.cos, 0) + ${w} * s.bm / plan.best
                        else s.cos end as relevance
        from scored s, plan
    )
    select ${columns.replace(`1 - ${distance} as relevance`, "fused.relevance")}
      from fused join memory_chunks c on c.id = fused.id ${files}
     where fused.relevance >= $4
     order by fused.relevance desc, c.id limit $3`;
}

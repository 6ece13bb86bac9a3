/**
 * @module
 * The hybrid (and text-only) search statement: BM25 over the index's text-search configuration, fused with cosine
 * similarity into one relevance the results are ordered by.
 *
 * The text leg is complete and its cost bounded by the query (MaxScore, Turtle & Flood 1995): seeds — every chunk
 * of the query's rarest terms while their postings fit `postingsBudget`, or when none is that rare, up to that many
 * chunks holding ALL its terms — are scored first, and so are the nearest chunks. F, the K-th best fused relevance
 * among them (K being as deep as the ranking is used: rescored candidates, feedback chunks), bounds the K-th best
 * of all from below; a chunk outside them reaches F only if its BM25 reaches θ = (F − (1 − w) · cap) · best / w,
 * w the text weight and cap the cosine it can have at most (below). Such a chunk holds only common terms (the rare
 * ones' chunks are all seeds); if the summed bounds of those it holds (each idf times the most that term's
 * saturation reaches in any chunk: its largest tf in its shortest chunk, kept per term since migration 0018) stay
 * ≤ θ it cannot reach the top, so the leg reads only chunks holding a set of common terms whose bounds pass θ (a
 * tsquery OR of ANDs, for up to 10 common terms; beyond, MaxScore's "essential" terms). In text mode (w = 1) θ is
 * the K-th best BM25 of the seeds.
 * Each chunk those sets find is then bounded by what it holds before it is scored: the tsvector of its query
 * lexemes' positions (built once per chunk) tells by its size how many positions they have, so a chunk holding
 * common terms once each — most of them — is skipped unless that bound reaches θ.
 * Nothing that would rank in the top K is lost, and a query of common terms still finds every chunk it should.
 * The same tsvector scores most chunks without a per-row subquery (one lexeme held, or up to three held once each).
 *
 * The cosine of a chunk the nearest-neighbour scan did not return is capped at the last one it did return (`cap`):
 * what an exact scan guarantees, and where the approximate index missed a nearer chunk, the value the vector leg
 * itself ranked below. With it, a text candidate's vector (stored out of line) is read only if its fused relevance,
 * with the capped cosine, could still reach the K-th best fused relevance known exactly (the nearest chunks and the
 * text leg's best K). The vector leg's nearest chunks are scored by BM25 too, and the text leg's by cosine, so each
 * candidate carries both signals and no leg can push a chunk up merely because the other leg missed it. The results
 * are those of the unbounded reference plan (`exhaustive`, the same cap; test/node/store/hybrid-exact.test.ts).
 *
 * How deep that scan goes (`reach`): the candidates, unless the text leg can add little to any chunk — a query whose
 * known words are all common and whose ceiling is mostly words the index never saw ("pelican" in 80% of the chunks,
 * with two typos) — and the common words' postings are many. Then nearly every such chunk could reach F on a cosine
 * just under the cap, so the text leg would read them all, and most of their vectors (0.4 s at 100k chunks): instead
 * the scan walks on, to the depth its own slope says the cosine must fall for no chunk it did not return to reach F
 * (at most 1,000 chunks), and θ then passes every term set. The depth is decided from the first walk and the term
 * statistics alone, so the reference plan walks the same (test/node/store/hybrid-deeper.test.ts).
 *
 * The text score is divided by the query's BM25 ceiling over ALL its lexemes, those the index has never seen
 * included, so a query the index holds no words of scores by its (down-weighted) cosine alone.
 *
 * Pseudo-relevance feedback (RM3), in the same statement and only when the first pass is confident (its best chunk
 * reaches `expansionGate` of the ceiling): the best chunks of that first ranking lend their most likely lexemes to
 * the query (each weighted by its relevance squared), and the first ranking's top `candidates` are scored again with
 * the expanded query and, on the vector leg, with their cosine to those chunks' mean vector mixed in (Rocchio) —
 * those that hold none of the query's own terms keep their first-pass relevance, so expansion reorders, never
 * invents, a match; and the whole list is scaled by one factor so that no result shows more than the best
 * first-pass relevance.
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
   * Postings of the rarest terms the text leg scores first, as seeds of its threshold: the rarest terms' chunks
   * while their postings fit, or (none fitting) a sample of at most `min(this, 250)` chunks holding ALL its terms.
   * A cost knob only: document frequencies and BM25 stay exact, and so do the results. Larger seeds give a higher
   * threshold sooner (fewer common-term postings read after them) at the price of scoring them all; 1,000 ≈ 1% of
   * a 100k-chunk index (BENCHMARKS.md, hybrid-scale).
   */
  postingsBudget: number;
  /**
   * Pseudo-relevance feedback (RM3): the `feedbackDocs` best chunks of the first ranking lend their most likely
   * `feedbackTerms` lexemes to the query, which keeps `originalWeight` of the query model; candidates are then
   * rescored with the expanded query (the first ranking's top `candidates`, as many as one leg brings), their cosine
   * keeping `originalWeight` too beside their cosine to the feedback chunks' mean vector. 0 feedback
   * chunks = off. Candidates are not widened, so the cost is one more scoring pass over a bounded set, in the same
   * statement.
   */
  feedbackDocs: number;
  feedbackTerms: number;
  originalWeight: number;
  /**
   * RM3 runs only when the first pass's best chunk scores at least this share of the query's BM25 ceiling (own
   * terms); below it the query's terms were not found with confidence and expansion would amplify noise.
   */
  expansionGate: number;
};

export const DEFAULT_HEADER_WEIGHT = 2;
export const DEFAULT_POSTINGS_BUDGET = 1000;
/** At most this many chunks holding every query term seed the threshold (a sample in index order, not ranked). */
const EVERY_SAMPLE = 250;
export const DEFAULT_FEEDBACK = {
  feedbackDocs: 10,
  feedbackTerms: 10,
  originalWeight: 0.5,
  expansionGate: 0,
} as const;

/**
 * The deeper nearest-neighbour walk (\`reach\`): at most this many chunks, walked only when the common terms'
 * postings it may spare number this many per chunk walked (a walked chunk — index steps, its row and its vector —
 * cost ~29 µs, a posting read and bounded 2.5–3 µs, by EXPLAIN ANALYZE at 100k chunks; ADR 0006), with this margin
 * on the depth the walk's slope predicts.
 */
const DEEPER_MAX = 1000;
const POSTING_PER_WALKED = 10;
const DEEPER_MARGIN = 1.5;

/** Common terms up to which the text leg enumerates the term sets that can pass the threshold (2^n at most). */
const MAX_SUBSET_TERMS = 10;

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
    /**
     * The nearest-neighbour leg: its restriction and the ORDER BY the HNSW index serves; absent in text mode.
     * \`filtered\`: tag filters restrict it, so a walk visits more index entries the more selective they are and
     * the deeper walk (\`reach\`) is not taken.
     */
    vectorLeg?: { where: string; order: string; filtered?: boolean };
    /**
     * The reference plan (tests): reads and scores every chunk holding any query term (and the nearest), with no
     * bound and no pruning. Every search must return exactly what it returns.
     */
    exhaustive?: boolean;
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
  // The nearest chunks, read once: both signals come from the row the index scan returns.
  const vec = q.vectorLeg
    ? `select c.id, c.fts, c.fts_length, 1 - ${distance} as cos
         from memory_chunks c where ${q.vectorLeg.where} order by ${q.vectorLeg.order} limit ${q.candidates}`
    : // text mode: no nearest chunks (and $1, the query vector, is only typed here)
      "select null::text as id, null::tsvector as fts, 0 as fts_length, 0::float8 as cos where $1::text is null";
  // The same walk, deeper, run only when \`reach\` decides (the condition is a one-time filter: no scan otherwise).
  const deeperVec = q.vectorLeg
    ? `select c.id, c.fts, c.fts_length, 1 - ${distance} as cos
         from memory_chunks c where ${q.vectorLeg.where} and (select go from reach)
        order by ${q.vectorLeg.order} limit (select depth from reach)`
    : "select null::text as id, null::tsvector as fts, 0 as fts_length, 0::float8 as cos where false";
  // BM25 with Lucene's non-negative idf, each term weighted by the query model (qw), over the chunk's matching
  // lexemes only: the setweight/ts_filter pair keeps those lexemes (a binary search each, in C), and their header
  // positions are appended once more as weight A, so one unnest gives tf = all positions + header positions
  // (headerWeight − 2 adds or removes the rest). `plan` holds `lexemes` and their `weights` (qw · idf), aligned,
  // and `headers`, a tsquery matching a chunk whose header holds one of them: the header pass runs only then.
  // One term's share (weight w, frequency tf) of chunk `c`'s score; every score and bound below is built from it.
  const saturated = (w: string, tf: string) =>
    `${w} * ${tf} * (${k1} + 1)
                 / (${tf} + ${k1} * (1 - ${b} + ${b} * c.fts_length / cfg.avgdl))`;
  const held = (plan: string) => `ts_filter(setweight(c.fts, 'B', ${plan}.lexemes), '{B}')`;
  const headerPositions = (plan: string) =>
    `setweight(ts_filter(setweight(ts_filter(c.fts, '{A}'), 'B', ${plan}.lexemes), '{B}'), 'A')`;
  // The sum over the lexemes of \`matched\` (a tsvector of the query's lexemes and, weighted A, their header positions).
  const bm25Of = (plan: string, matched: string) => `coalesce((
      select sum(${saturated(`${plan}.weights[array_position(${plan}.lexemes, t.lexeme)]`, "t.tf")})
        from (select a.lexeme, coalesce(cardinality(a.positions), 1)
                               + (${hw} - 2) * coalesce(cardinality(array_positions(a.weights, 'A')), 0) as tf
                from unnest(${matched}) a) t), 0)`;
  const bm25 = (plan: string) =>
    bm25Of(
      plan,
      `case when c.fts @@ ${plan}.headers then ${held(plan)} || ${headerPositions(plan)} else ${held(plan)} end`,
    );
  // Chunks of `from` (restricted by `cond`) with what scoring and bounding them reads once: whether a query lexeme
  // is in the header, \`held\` (their query lexemes' positions, as one tsvector), its lexemes, count and size.
  const heldRows = (from: string, cond: string) => `(select c.*, tsvector_to_array(c.held) as lx, length(c.held) as n,
                   pg_column_size(c.held) as size
              from (select c.id, c.fts, c.fts_length, c.fts @@ plan.headers as header, ${held("plan")} as held
                      from ${from}, plan where ${cond} offset 0) c offset 0) c`;
  // The positions \`held\` holds, given the bytes of its lexemes: ts_filter builds it exactly as 8 header bytes, 4 per
  // entry, and per lexeme its bytes padded to even, 2 for the count and 2 per position
  // (test/node/store/held-positions.test.ts pins that layout). Exact from its own lexemes (n ≤ 3 here).
  const positionsGiven = (lexemeBytes: string) => `(c.size - 8 - 6 * c.n - ${lexemeBytes})`;
  const padded = (i: number) => `coalesce(2 * ((octet_length(c.lx[${i}]) + 1) / 2), 0)`;
  const heldPositions = `(${positionsGiven(`${padded(1)} - ${padded(2)} - ${padded(3)}`)} / 2)`;
  // The same BM25 for rows of `heldRows` (first-pass query model), without the per-row subquery where the held
  // tsvector tells each term's tf: no header among them and either one lexeme (its tf is all the positions) or up to
  // three lexemes held once each. Each term is \`saturated\` as in the sum, summed in the same (lexeme) order, so the
  // score is the same float; any other row takes the sum, over the lexemes already filtered (plus their header
  // positions once more when a query term is in the header).
  const term = (i: number, tf: string) => saturated(`plan.weights[array_position(plan.lexemes, c.lx[${i}])]`, tf);
  const heldBm25 = `case when not c.header and c.n = 1 then ${term(1, `${heldPositions}::float8`)}
                         when not c.header and c.n = 2 and ${heldPositions} = 2
                           then ${term(1, "1::float8")} + ${term(2, "1::float8")}
                         when not c.header and c.n = 3 and ${heldPositions} = 3
                           then ${term(1, "1::float8")} + ${term(2, "1::float8")} + ${term(3, "1::float8")}
                         else ${bm25Of("plan", `case when c.header then c.held || ${headerPositions("plan")} else c.held end`)} end`;
  // A text candidate's cosine, read from its vector and capped (see \`cap\`); text mode reads no vector. Only rows
  // of the search's dimension are read (\`readable\`): a vector of another space — possible only after a re-embed
  // swapped the space under an instance still configured with the old embedder — is left out, not cast.
  const capped = q.vectorLeg ? `least(1 - ${distance}, cap.v)` : "0::float8";
  const readable = q.vectorLeg ? `vector_dims(c.embedding) = ${d}` : "true";
  const fuse = (bm: string, best: string) =>
    `case when ${best} > 0 then (1 - ${w}) * greatest(s.cos, 0) + ${w} * ${bm} / ${best} else s.cos end`;
  const feedback = q.ranking.feedbackDocs >= 1 && q.ranking.feedbackTerms >= 1;
  const fbDocs = feedback ? p(Math.min(50, Math.round(q.ranking.feedbackDocs))) : "";
  const fbTerms = feedback ? p(Math.min(50, Math.round(q.ranking.feedbackTerms))) : "";
  const lambda = feedback ? `${p(Math.min(1, Math.max(0, q.ranking.originalWeight)))}::float8` : "";
  // RM3: P(w|R) = Σ over feedback chunks of relevance² · tf(w)/length, normalised over the kept terms, mixed with the
  // query's own model (each term 1/|q|). Every candidate is scored again with it. A chunk's weight is its relevance
  // squared: closer to RM1's P(D|Q), which is far more peaked than a linear share of the fused score (ADR 0007).
  // The vector leg is fed back the same way (Rocchio): a candidate's cosine becomes λ · its cosine to the query +
  // (1 − λ) · its cosine to the feedback chunks' mean vector, λ the original query's share of the text leg's model.
  // The feedback chunks' mean vector (none in text mode, or when none of them is of the search's dimension), and a
  // rescored candidate's cosine with it mixed in; a NaN cosine (a zero vector) keeps the first-pass one.
  const feedbackVector = q.vectorLeg
    ? `feedback_vector as materialized (
      select avg(c.embedding::vector(${d})) as v from feedback f join memory_chunks c on c.id = f.id where ${readable}
    )`
    : "feedback_vector as (select null::text as v)";
  const rocchio = q.vectorLeg
    ? `coalesce(${lambda} * s.cos + (1 - ${lambda}) * nullif(1 - (c.embedding::vector(${d}) <=> fv.v), 'NaN'), s.cos)`
    : "s.cos";
  const gate = feedback ? `${p(Math.max(0, q.ranking.expansionGate))}::float8` : "";
  const expanded = `, confident as materialized (
      select coalesce(${q.exhaustive ? "(select max(bm) from scored)" : "greatest((select max(bm) from texted), (select max(bm) from near))"} / plan.best >= ${gate},
                      false) as yes from plan
    ), feedback as materialized (
      select f.id, f.relevance from fused f, confident where confident.yes
       order by f.relevance desc, f.id limit ${fbDocs}::int
    ), feedback_terms as materialized (
      select a.lexeme, sum(f.relevance * f.relevance * coalesce(array_length(a.positions, 1), 1)::float8
                           / greatest(c.fts_length, 1)) as p
        from feedback f join memory_chunks c on c.id = f.id, unnest(c.fts) a
       group by a.lexeme order by p desc, a.lexeme limit ${fbTerms}::int
    ), expanded as materialized (
      select x.lexeme, m.idf, sum(x.qw) as qw
        from (select lexeme, ${lambda} / count(*) over () as qw from weighted where known
              union all
              select lexeme, (1 - ${lambda}) * p / nullif(sum(p) over (), 0) from feedback_terms) x
        join (select t.lexeme, ln(1 + (cfg.n - m.chunks + 0.5) / (m.chunks + 0.5)) as idf
                from cfg, memory_terms m, feedback_terms t
               where m.index_name = $2 and m.lexeme = t.lexeme
              union
              select lexeme, idf from weighted where known) m using (lexeme)
       where x.qw > 0
       group by x.lexeme, m.idf
    ), plan2 as materialized (
      select array(select lexeme from expanded order by lexeme) as lexemes,
             array(select qw * idf from expanded order by lexeme) as weights,
             (select string_agg(${QUOTED} || ':A', ' | ') from expanded t)::tsquery as headers,
             -- the same share of the whole query's ceiling as the first pass (unknown terms count there too)
             (select sum(qw * idf) from expanded) * (${k1} + 1) / plan.coverage as best
        from plan
    ), ${feedbackVector}, rescored as materialized (
      select s.id, s.relevance as first,
             case when s.bm > 0 and confident.yes then ${fuse(bm25("plan2"), "plan2.best")} else s.relevance end
               as relevance
        from (select s.id, s.bm, s.relevance, ${rocchio} as cos
                from (select s.id, s.cos, s.bm, f.relevance from scored s join fused f using (id)
                       order by f.relevance desc, s.id limit ${q.candidates}) s
                join memory_chunks c on c.id = s.id, feedback_vector fv) s
        join memory_chunks c on c.id = s.id, cfg, plan2, confident
    ), refused as (
      -- One factor per query (order unchanged) so that no result shows more than the best first-pass relevance:
      -- the scale is what the query's own terms found; expansion's own vocabulary cannot inflate it.
      select r.id, r.relevance * k.c as relevance
        from rescored r,
             (select coalesce(least(1, max(first) / nullif(max(relevance), 0)), 1) as c from rescored) k
    )`;
  // A chunk's BM25 bound from `held` (no header among its lexemes), for any n: the layout above with the n shortest
  // query lexemes gives at least its P positions. Each of the n terms has tf ≥ 1, so none has more than P − n + 1,
  // and no n of them weigh more than the n heaviest: BM25 ≤ top_weights[n] · saturation(P − n + 1). A size that does
  // not fit the layout (P < n, or lexemes beyond the query's) bounds nothing.
  const positions = `${positionsGiven("plan.short_sizes[c.n]")}::float8 / 2`;
  const heldBound = `case when c.n = 0 then 0
                          when c.n > cardinality(plan.lexemes) or ${positions} < c.n then 'infinity'::float8
                          else ${saturated("plan.top_weights[c.n]", `(${positions} - c.n + 1)`)} end`;
  // How deep the fused ranking must be exact: the candidates rescored (and the feedback chunks, when more).
  const exact = Math.max(q.candidates, feedback ? Math.min(50, Math.round(q.ranking.feedbackDocs)) : 0);
  // The best `exact` of `from` (id, bm) by BM25 outside the nearest chunks: with those, the candidates whose fused
  // relevance is known exactly (their cosine read and capped). The two sides never share an id.
  const bestOutsideNear = (from: string) => `(select s.id, s.bm from ${from} s where s.id not in (select id from near)
               order by s.bm desc, s.id limit ${exact})`;
  // The `exact`-th best fused relevance of `rows` (id, bm, cos); −∞ when there are fewer.
  const kthFused = (rows: string) => `coalesce((select ${fuse("s.bm", "plan.best")} from (${rows}) s, plan
                        order by 1 desc offset ${exact - 1} limit 1), '-infinity')`;
  return `with recursive cfg as materialized (
      select i.text_config as config, coalesce(s.chunks, 0)::float8 as n,
             greatest(coalesce(s.lexemes::float8 / nullif(s.chunks, 0), 1), 1) as avgdl
        from memory_indexes i left join memory_text_stats s on s.index_name = i.name where i.name = $2
    ), terms as materialized (
      select t.lexeme, ${QUOTED} as operand, coalesce(m.chunks, 0) as chunks,
             -- a word the index never saw weighs in the ceiling as one held by a single chunk: as rare as any
             -- known word can be, not rarer (in a small index an unseen word would otherwise outweigh the rest)
             ln(1 + (cfg.n - greatest(coalesce(m.chunks, 0), 1) + 0.5) / (greatest(coalesce(m.chunks, 0), 1) + 0.5))
               as idf,
             -- the most this term's saturation can reach in any chunk (migration 0018's bounds): its largest tf
             -- in the shortest chunk it is in; k1 + 1, the ceiling, where the bounds are unknown
             coalesce((m.max_tf + greatest(${hw} - 1, 0) * m.max_header_tf) * (${k1} + 1)
                        / ((m.max_tf + greatest(${hw} - 1, 0) * m.max_header_tf)
                           + ${k1} * (1 - ${b} + ${b} * m.min_length / cfg.avgdl)), ${k1} + 1) as peak
        from cfg, unnest(tsvector_to_array(to_tsvector(cfg.config, ${text}))) as t(lexeme)
        left join memory_terms m on m.index_name = $2 and m.lexeme = t.lexeme
    ), weighted as materialized (
      -- postings: cumulative, rarest first; ub: the most this term adds to a chunk's BM25; tail: the summed ub
      -- of this term and every more common one
      select t.lexeme, t.operand, 1::float8 as qw, t.idf, t.chunks, t.chunks > 0 as known,
             sum(t.chunks) over (order by t.chunks, t.lexeme) as postings, t.idf * t.peak as ub,
             sum(t.idf * t.peak) over (order by t.chunks desc, t.lexeme desc) as tail
        from terms t
    ), plan as materialized (
      select (select string_agg(operand, ' | ') from weighted where known and postings <= ${budget})::tsquery as rare,
             (select string_agg(operand, ' & ') from weighted where known)::tsquery as every,
             array(select lexeme from weighted where known order by lexeme) as lexemes,
             (select string_agg(operand || ':A', ' | ') from weighted where known)::tsquery as headers,
             array(select qw * idf from weighted where known order by lexeme) as weights,
             -- for the text leg's per-chunk bound (\`heldBound\`): the n largest term weights summed, and the n
             -- shortest lexemes' stored sizes (each padded to an even length, as a tsvector stores it) summed
             array(select sum(x) over (order by x desc rows unbounded preceding) as s
                     from (select qw * idf as x from weighted where known) t order by s) as top_weights,
             array(select sum(2 * ((octet_length(lexeme) + 1) / 2)) over (order by octet_length(lexeme)
                                                                      rows unbounded preceding) as s
                     from weighted where known order by s) as short_sizes,
             -- BM25's ceiling for the whole query (every term saturated): divides the text score into [0, 1).
             (select sum(idf) from weighted) * (${k1} + 1) as best,
             coalesce((select sum(idf) from weighted where known) / nullif((select sum(idf) from weighted), 0), 1)
               as coverage
    ), seeded as materialized (
      -- scored in the scan that finds them. A chunk holding every known term holds the rare ones, so the sample of
      -- those is drawn only when no term is rare: beside the rare terms' chunks it would add none (one scan runs,
      -- and a bitmap scan returns each chunk once)
      select c.id, ${heldBm25} as bm
        from ${heldRows(
          `(select c.id, c.fts, c.fts_length from memory_chunks c, plan where ${where} and c.fts @@ plan.rare
            union all
            (select c.id, c.fts, c.fts_length from memory_chunks c, plan
              where plan.rare is null and ${where} and c.fts @@ plan.every
              limit least(${budget}, ${EVERY_SAMPLE}))) c`,
          "true",
        )}, cfg, plan
    ), nearest as materialized (${vec}
    ), walked as materialized (
      -- The first walk's cap (\`cap\`, below: the cosine of the last chunk it returned; none when it returned fewer
      -- than it was asked for) and \`quarter\`, the cosine a quarter of the way down, for \`reach\`.
      select case when count(*) >= ${q.candidates} then min(cos) else 1 end as v,
             (select cos from nearest order by cos desc offset ${Math.floor(q.candidates / 4) - 1} limit 1) as quarter
        from nearest
    ), near0 as materialized (
      select c.id, ${bm25("plan")} as bm, c.cos from nearest c, cfg, plan
    ), first0 as materialized (
      -- The ${exact}th best fused relevance among the nearest alone: F (below) before the seeds, for \`reach\`.
      select ${kthFused("select id, bm, cos from near0")} as v
    ), reach as materialized (
      -- How deep the nearest-neighbour walk goes. A chunk it did not return reaches F only if its cosine (at most
      -- the cap) and its text share (at most T: w times its known terms' bounds over the ceiling) reach it. When T
      -- is small — the query's known words all common, its ceiling mostly words the index never saw — θ lets
      -- nearly every chunk of those common terms through, and the text leg reads each of them and most of their
      -- vectors. Walked until the cosine falls below c* = (F − T) / (1 − w), the walk bounds them all instead:
      -- none it did not return can reach F, so θ passes every term set and the text leg reads the seeds only.
      -- The depth that takes is read off the walk's own slope (cosine against log rank, from a quarter of the way
      -- down to the cap) with a margin; it is walked only when within ${DEEPER_MAX} chunks and when the common terms'
      -- postings number ${POSTING_PER_WALKED} times the chunks walked, and never under tag filters. A walk that
      -- falls short is no loss but its cost: it still lowers the cap, and so raises θ.
      select coalesce(${q.vectorLeg?.filtered ? "false and " : ""}x.needed <= ${DEEPER_MAX}
                      and x.postings > ${POSTING_PER_WALKED} * x.needed, false) as go,
             least(ceil(x.needed), ${DEEPER_MAX})::int as depth
        from (select case when ${w} < 1 and w.v < 1 and w.quarter > w.v and f.v > '-infinity'
                               and f.v - t.most < (1 - ${w}) * w.v
                          then ${DEEPER_MARGIN} * ${q.candidates}
                               * exp(least((w.v - (f.v - t.most) / (1 - ${w})) / ((w.quarter - w.v) / ln(4)), 20))
                     end as needed,
                     t.postings
                from walked w, first0 f,
                     (select ${w} * (select sum(ub) from weighted where known) / nullif(plan.best, 0) as most,
                             (select coalesce(sum(chunks), 0) from weighted where known and postings > ${budget})
                               as postings
                        from plan) t) x
    ), deeper as materialized (${deeperVec}
    ), cap as materialized (
      -- The cosine a chunk the nearest-neighbour scan did not return counts with: at most the last one it did
      -- (what an exact scan guarantees; where the approximate index missed a nearer chunk, this is the cosine the
      -- vector leg itself would have ranked it by), from the deeper walk when it ran. No cap when the scan returned
      -- fewer than it was asked for.
      select case when not (select go from reach) then (select v from walked)
                  when count(*) >= (select depth from reach) then min(cos) else 1 end as v from deeper
    ), near as materialized (
      select id, bm, cos from near0 where not (select go from reach)
      union all
      select c.id, ${bm25("plan")} as bm, c.cos from deeper c, cfg, plan
    ), seed_best as materialized (
      select t.id, t.bm, ${capped} as cos
        from ${bestOutsideNear("seeded")} t join memory_chunks c on c.id = t.id, cap
       where ${readable}
    ), first as materialized (
      -- F: the ${exact}th best fused relevance among chunks already scored exactly (the nearest, and the seeds'
      -- best by BM25): a lower bound of the ${exact}th best of all.
      select ${kthFused("select id, bm, cos from near union all select id, bm, cos from seed_best")} as v
    ), theta as materialized (
      -- A chunk outside those, its cosine capped, reaches F only if its BM25 reaches θ = (F − (1 − w) · cap) ·
      -- best / w; with expansion gated, θ stays at or below the gate, so the first pass's best chunk is found
      -- whenever it passes the gate.
      select case when ${w} <= 0 or plan.best <= 0 then 0
                  else least(greatest(first.v - greatest(1 - ${w}, 0) * greatest(cap.v, 0), 0) * plan.best / ${w}
                             * (1 - 1e-9)${feedback ? `, case when ${gate} > 0 then ${gate} * plan.best end` : ""})
             end as v
        from plan, cap, first
    ), common as materialized (
      select row_number() over (order by w.chunks, w.lexeme) as i, w.operand, w.ub
        from weighted w where w.known and w.postings > ${budget}
    ), subsets as (
      -- Term sets (rarest first) grown until their summed bounds pass θ: a chunk outside the seeds holds only
      -- common terms, and unless it holds one of these sets it scores below θ. Up to ${MAX_SUBSET_TERMS} terms.
      select c.i, c.operand as ops, c.ub as total from common c where (select count(*) from common) <= ${MAX_SUBSET_TERMS}
      union all
      select c.i, s.ops || ' & ' || c.operand, s.total + c.ub
        from subsets s join common c on c.i > s.i, theta where s.total <= theta.v
    ), essential as materialized (
      select case when (select count(*) from common) <= ${MAX_SUBSET_TERMS}
                  then (select string_agg('(' || ops || ')', ' | ') from subsets, theta where total > theta.v)
                  -- MaxScore: the terms whose ceiling, with every more common term's, still passes θ
                  else (select string_agg(operand, ' | ') from weighted, theta
                         where known and postings > ${budget} and tail > theta.v)
             end::tsquery as q
    ), texted as materialized (
      -- the text leg's candidates with their BM25, scored in the scan that finds them (no second read by id)
      select id, bm from seeded
      union
      -- Each chunk the term sets find is scored only if its own bound reaches θ (or a query term is in its header).
      select c.id, ${heldBm25} as bm
        from ${heldRows("memory_chunks c, essential", `${where} and c.fts @@ essential.q`)}, cfg, plan, theta
       where c.header or ${heldBound} >= theta.v
    ), known as materialized (
      -- Candidates whose fused relevance is computed exactly: the nearest, and the text leg's best by BM25 (most
      -- often the seeds' best, whose cosines \`seed_best\` has read: only the others are read here).
      select id, bm, cos from near
      union all
      select t.id, t.bm, coalesce(e.cos, r.cos)
        from ${bestOutsideNear("texted")} t left join seed_best e on e.id = t.id
        left join lateral (select ${capped} as cos from memory_chunks c, cap
                            where e.id is null and c.id = t.id and ${readable}) r on true
       where e.id is not null or r.cos is not null
    ), floor as materialized (
      -- The ${exact}th best fused relevance among them: no candidate whose relevance cannot reach it (its cosine
      -- at most the cap) can be among the ${exact} best, so only those that can are read for their cosine.
      select ${kthFused("select id, bm, cos from known")} as v
    ), scored as materialized (${
      q.exhaustive
        ? `
      select c.id, ${bm25("plan")} as bm, ${capped} as cos
        from memory_chunks c, cfg, plan, cap
       where ${where} and c.fts @@ (select string_agg(operand, ' | ') from weighted where known)::tsquery
         and c.id not in (select id from near) and ${readable}
      union all
      select id, bm, cos from near`
        : `
      select id, bm, cos from known
      union all
      select t.id, t.bm, ${capped}
        from texted t join memory_chunks c on c.id = t.id, plan, floor, cap
       where t.id not in (select id from known) and ${readable}
         and case when plan.best > 0
                  then greatest(1 - ${w}, 0) * greatest(cap.v, 0) + greatest(${w}, 0) * t.bm / plan.best
                  else greatest(cap.v, 0) end
             >= floor.v`
    }
    ), fused as (
      select s.id, ${fuse("s.bm", "plan.best")} as relevance from scored s, plan
    )${feedback ? expanded : ""}, ranked as materialized (
      select r.id, r.relevance from ${feedback ? "refused" : "fused"} r
       where r.relevance >= $4 order by r.relevance desc, r.id limit $3
    )
    select ${columns.replace(`1 - ${distance} as relevance`, "r.relevance")}
      from ranked r join memory_chunks c on c.id = r.id ${files}
     order by r.relevance desc, c.id`;
}

-- Per-term bounds the text leg prunes with (lib/store/hybrid-search.ts): the most positions a chunk holds of the
-- term, the most of them in its header, and the shortest chunk the term is in. A term's BM25 contribution is then
-- at most idf · (k1 + 1) · T / (T + k1 · (1 − b + b · shortest / avgdl)), T = max_tf + (header weight − 1) ·
-- max_header_tf, for any k1, b and header weight a search uses — much tighter than idf · (k1 + 1), the ceiling of
-- a term repeated without end. The trigger only raises the two counts and lowers the length, so after deletes
-- they are still bounds (looser, never wrong). NULL means unknown: the search falls back to the ceiling.
-- The fill reads every chunk's lexemes once (2.2 s at 99,608 chunks here) while memory_terms is locked, so searches
-- and ingestion wait for it; on a large table run `npm run migrate` as a deploy step (AUTO_MIGRATE=false).
alter table memory_terms
  add column max_tf integer,
  add column max_header_tf integer,
  add column min_length integer;

update memory_terms t set max_tf = s.max_tf, max_header_tf = s.max_header_tf, min_length = s.min_length
  from (select c.index_name, a.lexeme, max(coalesce(cardinality(a.positions), 1)) as max_tf,
               max(coalesce(cardinality(array_positions(a.weights, 'A')), 0)) as max_header_tf,
               min(c.fts_length) as min_length
          from memory_chunks c, unnest(c.fts) a
         group by 1, 2) s
 where t.index_name = s.index_name and t.lexeme = s.lexeme;

-- As 0006's, with the bounds kept on insert.
create or replace function memory_text_stats_apply() returns trigger language plpgsql as $$
begin
  -- Updates that leave the lexemes alone (a re-embed) change no statistics.
  -- (Nested: a transition table a firing does not have may not even be named.)
  if tg_op = 'UPDATE' then
    if not exists (select 1 from old_rows o join new_rows n on n.id = o.id where n.fts is distinct from o.fts) then
      return null;
    end if;
  end if;
  if tg_op in ('DELETE', 'UPDATE') then
    update memory_text_stats s set chunks = s.chunks - d.n, lexemes = s.lexemes - d.l
      from (select index_name, count(*) as n, sum(fts_length) as l from old_rows group by 1) d
     where s.index_name = d.index_name;
    update memory_terms t set chunks = t.chunks - d.n
      from (select o.index_name, l, count(*) as n from old_rows o, unnest(tsvector_to_array(o.fts)) l group by 1, 2) d
     where t.index_name = d.index_name and t.lexeme = d.l;
    delete from memory_terms t
     using (select distinct o.index_name, l from old_rows o, unnest(tsvector_to_array(o.fts)) l) d
     where t.index_name = d.index_name and t.lexeme = d.l and t.chunks <= 0;
    delete from memory_text_stats s using (select distinct index_name from old_rows) d
     where s.index_name = d.index_name and s.chunks <= 0;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into memory_text_stats as s (index_name, chunks, lexemes)
      select index_name, count(*), sum(fts_length) from new_rows group by 1 order by 1
      on conflict (index_name) do update set chunks = s.chunks + excluded.chunks, lexemes = s.lexemes + excluded.lexemes;
    insert into memory_terms as t (index_name, lexeme, chunks, max_tf, max_header_tf, min_length)
      select n.index_name, a.lexeme, count(*), max(coalesce(cardinality(a.positions), 1)),
             max(coalesce(cardinality(array_positions(a.weights, 'A')), 0)), min(n.fts_length)
        from new_rows n, unnest(n.fts) a group by 1, 2 order by 1, 2
      on conflict (index_name, lexeme) do update
        set chunks = t.chunks + excluded.chunks,
            -- unknown stays unknown (a row older than its bounds): greatest/least would skip the NULL
            max_tf = case when t.max_tf is not null then greatest(t.max_tf, excluded.max_tf) end,
            max_header_tf = case when t.max_header_tf is not null
                                 then greatest(t.max_header_tf, excluded.max_header_tf) end,
            min_length = case when t.min_length is not null then least(t.min_length, excluded.min_length) end;
  end if;
  return null;
end $$;

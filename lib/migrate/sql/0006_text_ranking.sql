-- Full-text ranking by BM25 (docs/adr/0002-text-ranking.md).
-- Each index has a text-search configuration (English stemming and stop words unless chosen otherwise); a chunk's
-- lexemes come from its contextual header (title / file name, weight A) and its passage (weight D). Term statistics
-- (chunks per lexeme, chunks and lexemes per index) are kept up to date by triggers in the same transaction as
-- the chunk writes, so a search reads a few rows instead of counting postings.

alter table memory_indexes add column text_config regconfig not null default 'english';

-- The header a chunk was embedded and indexed with (kept so a re-embed or re-index needs no source file).
alter table memory_chunks add column context text not null default '';
alter table memory_chunks drop column fts;
alter table memory_chunks add column fts tsvector not null default ''::tsvector;
-- Indexed tokens in the chunk (BM25's document length).
alter table memory_chunks add column fts_length integer not null default 0;
-- A re-embed in progress writes the new embedder's vectors here, then swaps them in at once (lib/memory/reembed.ts).
alter table memory_chunks add column embedding_next vector;

create function memory_chunks_fts() returns trigger language plpgsql as $$
declare
  config regconfig;
begin
  select text_config into config from memory_indexes where name = new.index_name;
  config := coalesce(config, 'english'::regconfig);
  new.fts := setweight(to_tsvector(config, new.context), 'A') || to_tsvector(config, new.text);
  new.fts_length := coalesce((select sum(coalesce(array_length(u.positions, 1), 1)) from unnest(new.fts) u), 0);
  return new;
end $$;

create trigger memory_chunks_fts before insert or update of text, context on memory_chunks
  for each row execute function memory_chunks_fts();

-- Existing chunks: English configuration, no header (their source files are gone).
update memory_chunks set text = text;

-- A small pending list: inserts still batch into it, and once it passes 256 kB the inserting statement merges it
-- into the index, so every search scans at most that much — without depending on (auto)vacuum.
create index memory_chunks_fts on memory_chunks using gin (fts) with (fastupdate = on, gin_pending_list_limit = 256);

create table memory_text_stats (
  index_name text primary key,
  chunks bigint not null,
  lexemes bigint not null
);

create table memory_terms (
  index_name text not null,
  lexeme text not null,
  chunks integer not null,
  primary key (index_name, lexeme)
);

insert into memory_text_stats (index_name, chunks, lexemes)
  select index_name, count(*), sum(fts_length) from memory_chunks group by index_name;
insert into memory_terms (index_name, lexeme, chunks)
  select c.index_name, l, count(*) from memory_chunks c, unnest(tsvector_to_array(c.fts)) l group by 1, 2;

-- Statement-level, over transition tables: one pass per statement, not per row. The index's stats row is
-- written first, so concurrent writers to one index queue there and never deadlock on term rows.
create function memory_text_stats_apply() returns trigger language plpgsql as $$
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
    insert into memory_terms as t (index_name, lexeme, chunks)
      select n.index_name, l, count(*) from new_rows n, unnest(tsvector_to_array(n.fts)) l group by 1, 2 order by 1, 2
      on conflict (index_name, lexeme) do update set chunks = t.chunks + excluded.chunks;
  end if;
  return null;
end $$;

create trigger memory_text_stats_insert after insert on memory_chunks
  referencing new table as new_rows for each statement execute function memory_text_stats_apply();
create trigger memory_text_stats_delete after delete on memory_chunks
  referencing old table as old_rows for each statement execute function memory_text_stats_apply();
create trigger memory_text_stats_update after update on memory_chunks
  referencing old table as old_rows new table as new_rows for each statement execute function memory_text_stats_apply();

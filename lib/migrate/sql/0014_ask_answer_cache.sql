-- The answer cache of POST /ask (lib/memory/answer/cache.ts): an answer is reused while its index is unchanged.
-- "Unchanged" is a version per index, bumped by triggers in the same transaction as any write that can change
-- an answer (chunks saved, deleted, re-tagged or re-embedded; the index's ranking settings; the index deleted),
-- so every instance sees the same version and no code path can forget to bump it. Versions come from one
-- sequence: an index deleted and created again never reuses an old version.

create sequence memory_index_version_seq;

create table memory_index_versions (
  index_name text primary key,
  version bigint not null
);

create table memory_answer_cache (
  index_name text not null,
  -- sha256 of everything that shapes the answer: question, filters, minRelevance, args, models, settings.
  request_key text not null,
  version bigint not null,
  answer jsonb not null,
  created_at timestamptz not null default now(),
  primary key (index_name, request_key)
);

create index memory_answer_cache_age on memory_answer_cache (created_at);

create function memory_index_version_bump() returns trigger language plpgsql as $$
declare
  names text[];
begin
  -- Statement-level over transition tables: one bump per index a statement touched.
  if tg_table_name = 'memory_indexes' and tg_op = 'DELETE' then
    names := array(select distinct name from old_rows);
  elsif tg_table_name = 'memory_indexes' then
    names := array(select distinct name from new_rows);
  elsif tg_op = 'DELETE' then
    names := array(select distinct index_name from old_rows);
  else
    names := array(select distinct index_name from new_rows);
  end if;
  insert into memory_index_versions (index_name, version)
    select n, nextval('memory_index_version_seq') from unnest(names) as n
    on conflict (index_name) do update set version = excluded.version;
  return null;
end
$$;

create trigger memory_chunks_version_insert after insert on memory_chunks
  referencing new table as new_rows for each statement execute function memory_index_version_bump();
create trigger memory_chunks_version_update after update on memory_chunks
  referencing new table as new_rows for each statement execute function memory_index_version_bump();
create trigger memory_chunks_version_delete after delete on memory_chunks
  referencing old table as old_rows for each statement execute function memory_index_version_bump();
create trigger memory_indexes_version_update after update on memory_indexes
  referencing new table as new_rows for each statement execute function memory_index_version_bump();
create trigger memory_indexes_version_delete after delete on memory_indexes
  referencing old table as old_rows for each statement execute function memory_index_version_bump();

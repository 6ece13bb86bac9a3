-- Planner statistics the service keeps current itself (issue 23): autovacuum may be off (this project's machines),
-- PGlite has none, and Neon's autoanalyze lags a bulk load. Without them the planner misjudges memory_chunks after a
-- bulk ingest (a sort of every chunk instead of the HNSW index).
--
-- Every write statement on a tracked table appends how many rows it changed (append-only: concurrent writers never
-- wait on one counter row). memory_analyze_due(), called by the job runner after a job commits, folds those rows
-- into one total per table and analyzes each table whose changes since its last analysis pass
-- `base + fraction · rows at that analysis` (autovacuum's own rule), then clears its total.
create table memory_table_changes (
  id bigint generated always as identity primary key,
  relid oid not null,
  changed bigint not null
);

-- Only memory_analyze_due() writes here (under its advisory lock).
create table memory_table_analysis (
  relid oid primary key,
  changed bigint not null
);

create function memory_count_changes() returns trigger language plpgsql as $$
declare
  n bigint;
begin
  -- Nested: a transition table a firing does not have may not even be named.
  if tg_op = 'DELETE' then
    select count(*) into n from old_rows;
  else
    select count(*) into n from new_rows;
  end if;
  if n > 0 then
    insert into memory_table_changes (relid, changed) values (tg_relid, n);
  end if;
  return null;
end $$;

-- The tables an ingestion grows or churns; search and the job queue plan over them. memory_terms counts only rows
-- added and removed: every chunk written updates the counts of its lexemes, which no plan filters on, so counting
-- those updates would analyze the whole lexicon after almost every document.
do $$
declare
  t text;
begin
  foreach t in array array['memory_chunks', 'memory_terms', 'memory_documents', 'memory_files', 'memory_jobs',
                           'memory_embeddings'] loop
    execute format('create trigger %I after insert on %I referencing new table as new_rows
                      for each statement execute function memory_count_changes()', t || '_changes_insert', t);
    if t <> 'memory_terms' then
      execute format('create trigger %I after update on %I referencing new table as new_rows
                        for each statement execute function memory_count_changes()', t || '_changes_update', t);
    end if;
    execute format('create trigger %I after delete on %I referencing old table as old_rows
                      for each statement execute function memory_count_changes()', t || '_changes_delete', t);
  end loop;
end $$;

-- Returns the tables it analyzed; a null fraction only folds the counts (auto-analysis off keeps the log small). One statement, so it runs over every transport (Neon HTTP included); ANALYZE is
-- allowed inside a transaction. A run that finds another one at work returns at once.
create function memory_analyze_due(fraction float8, base bigint) returns setof regclass language plpgsql as $$
declare
  r record;
begin
  if not pg_try_advisory_xact_lock(7240319562) then
    return;
  end if;
  with taken as (delete from memory_table_changes returning relid, changed)
  insert into memory_table_analysis as a (relid, changed)
    select relid, sum(changed) from taken group by relid
    on conflict (relid) do update set changed = a.changed + excluded.changed;
  for r in
    select a.relid from memory_table_analysis a join pg_class c on c.oid = a.relid
     where fraction is not null and a.changed > base + fraction * greatest(c.reltuples, 0)
     order by a.relid
  loop
    execute format('analyze %s', r.relid::regclass);
    update memory_table_analysis set changed = 0 where relid = r.relid;
    return next r.relid::regclass;
  end loop;
end $$;

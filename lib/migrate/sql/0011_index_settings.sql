-- Per-index ranking settings (lib/memory/ranking-args.ts: the ranking options of search `args`), set through
-- PATCH /indexes/{index}/settings or `eval --tune --apply`; every search and ask on the index starts from them and
-- a request's own `args` override them key by key. A column of the index row, so deleting the index deletes them.
alter table memory_indexes add column ranking_settings jsonb not null default '{}'::jsonb;

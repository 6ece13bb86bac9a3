-- Performance (issue #12).
--
-- What a document was last ingested from: a hash of its files' bytes, tags, steps, pipeline arguments and the
-- embedder. An upload with the same fingerprint of a completed document is a no-op (no extraction, no writes).
-- NULL on existing rows: they are re-ingested once, then skip like any other.
alter table memory_documents add column if not exists ingest_fingerprint text;

-- The HNSW index keeps half-precision vectors, with build options chosen by measurement (BENCHMARKS.md,
-- vectors): half the size at equal recall. A database made before this migration has a float32 index per
-- dimension (memory_chunks_hnsw_<d>); it is rebuilt in the new shape under the same name, so searches, which
-- order by the halfvec expression, keep using an index. On a large table this build takes minutes; run
-- `npm run migrate` as a deploy step (AUTO_MIGRATE=false) rather than on a serving instance's first request.
do $$
declare
  old record;
begin
  for old in
    select c.relname, substring(c.relname from '[0-9]+$') as d
      from pg_class c join pg_index i on i.indexrelid = c.oid
     where c.relname ~ '^memory_chunks_hnsw_[0-9]+$'
       and i.indrelid = 'memory_chunks'::regclass
       and pg_get_indexdef(c.oid) like '%vector_cosine_ops%'
       and pg_get_indexdef(c.oid) not like '%halfvec%'
  loop
    execute format('drop index %I', old.relname);
    execute format(
      'create index %I on memory_chunks using hnsw ((embedding::halfvec(%s)) halfvec_cosine_ops) '
      'with (m = 24, ef_construction = 100) where vector_dims(embedding) = %s',
      old.relname, old.d, old.d);
  end loop;
end
$$;

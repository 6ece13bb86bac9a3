-- Durable ingestion: every upload is a job; runs claim jobs with a lease, so a
-- crashed run's job is taken over once its lease expires.
create table memory_jobs (
  id bigserial primary key,
  index_name text not null,
  document_id text not null,
  generation bigint not null,
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  run_after timestamptz not null default now(),
  lease_until timestamptz,
  lease_owner text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (index_name, document_id, generation),
  foreign key (index_name, document_id) references memory_documents on delete cascade
);

create index memory_jobs_due on memory_jobs (run_after) where state in ('queued', 'running');

-- Embeddings by content hash, written as soon as they are computed: a job resumed
-- after a crash, a re-upload, or an edit re-embeds only text it has never seen.
create table memory_embeddings (
  index_name text not null references memory_indexes (name) on delete cascade,
  content_hash text not null,
  embedding vector not null,
  primary key (index_name, content_hash)
);

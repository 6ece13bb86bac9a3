-- The memory store: a fixed schema shared by every index (see docs/adr/0001-memory-schema.md).
-- No DDL per index and no identifier is ever built from user input.

create table memory_settings (
  key text primary key,
  value jsonb not null
);

create table memory_indexes (
  name text primary key,
  created_at timestamptz not null default now()
);

create table memory_documents (
  index_name text not null references memory_indexes (name) on delete cascade,
  document_id text not null,
  tags jsonb not null default '{}'::jsonb,
  steps text[] not null,
  completed_steps text[] not null default '{}',
  remaining_steps text[] not null,
  failed boolean not null default false,
  error jsonb,
  args jsonb,
  -- Bumped by every upload of this id, so a stale background run cannot overwrite a newer one.
  generation bigint not null default 1,
  creation timestamptz not null default now(),
  last_update timestamptz not null default now(),
  primary key (index_name, document_id)
);

create table memory_files (
  index_name text not null,
  document_id text not null,
  file_id text not null,
  name text not null,
  content_type text not null,
  size integer not null,
  sha256 text not null,
  -- Where the file came from, when it was fetched rather than uploaded.
  source_url text,
  -- The uploaded bytes, kept until the document is processed.
  content bytea,
  primary key (index_name, document_id, file_id),
  foreign key (index_name, document_id) references memory_documents on delete cascade
);

create table memory_chunks (
  id text primary key,
  index_name text not null,
  document_id text not null,
  file_id text not null,
  partition_number integer not null,
  section_number integer not null,
  text text not null,
  -- sha256 of embedder id + text: equal hashes can share one embedding.
  content_hash text not null,
  -- No typmod: the dimension comes from configuration; an expression index per
  -- dimension (created at startup) serves cosine search.
  embedding vector not null,
  tags jsonb not null,
  -- 'key:value' strings for GIN containment filters.
  tag_list text[] not null,
  fts tsvector generated always as (to_tsvector('simple', text)) stored,
  last_update timestamptz not null default now(),
  foreign key (index_name, document_id) references memory_documents on delete cascade
);

create index memory_chunks_document on memory_chunks (index_name, document_id);
create index memory_chunks_content on memory_chunks (index_name, content_hash);
create index memory_chunks_tags on memory_chunks using gin (tag_list);
create index memory_chunks_fts on memory_chunks using gin (fts);

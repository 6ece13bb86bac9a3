-- Sources: URLs the service keeps in sync by itself (a page, a sitemap, a feed).
-- A source owns the documents it creates: deleting it deletes them.
create table memory_sources (
  id text primary key,
  index_name text not null,
  kind text not null check (kind in ('page', 'sitemap', 'feed')),
  url text not null,
  -- Added to every document the source creates (plus "source": [id]).
  tags jsonb not null default '{}'::jsonb,
  interval_seconds integer not null check (interval_seconds >= 60),
  next_due_at timestamptz not null default now(),
  last_run_at timestamptz,
  last_status text check (last_status in ('unchanged', 'updated', 'failed', 'not_modified')),
  last_error text,
  -- Consecutive failed runs: the backoff exponent, reset by a good run.
  failures integer not null default 0,
  -- Validators and hash of the source's own URL (the page; the sitemap or feed document).
  etag text,
  last_modified text,
  content_hash text,
  -- A run holds the source until lease_until, so overlapping cron runs never sync it twice.
  lease_owner text,
  lease_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The same URL twice in one index would race for the same documents.
  unique (index_name, url)
);

create index memory_sources_due on memory_sources (next_due_at);
create index memory_sources_index on memory_sources (index_name, id);

-- One row per URL a source tracks (a page source has exactly one: itself).
create table memory_source_items (
  source_id text not null references memory_sources (id) on delete cascade,
  url text not null,
  document_id text not null,
  etag text,
  last_modified text,
  content_hash text,
  last_error text,
  -- Least recently checked first, so a run cut short by its budget resumes where it stopped.
  checked_at timestamptz,
  primary key (source_id, url)
);

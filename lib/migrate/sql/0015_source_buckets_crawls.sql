-- Two more kinds of source: an object-store bucket (R2 binding or S3-compatible API) and a website crawl.
alter table memory_sources drop constraint memory_sources_kind_check;
alter table memory_sources add constraint memory_sources_kind_check
  check (kind in ('page', 'sitemap', 'feed', 'bucket', 'crawl'));
-- What the kind needs beyond its URL: a bucket's provider, endpoint, name, prefix, region or binding;
-- a crawl's depth and page limits. Never a credential.
alter table memory_sources add column options jsonb not null default '{}'::jsonb;
-- A bucket's credentials, sealed with AES-GCM under SOURCE_SECRET_KEY (lib/sources/secrets.ts); never returned.
alter table memory_sources add column sealed_credentials text;
-- A crawl round in progress: pages discovered since then are this round's; a round that ends deletes the rest.
alter table memory_sources add column round_started_at timestamptz;

-- Crawl bookkeeping per page: how deep it was found, when a link to it was last seen, and its outgoing
-- links (so a 304 still lets the crawl go on). A bucket item's etag column holds the object's ETag.
alter table memory_source_items add column depth integer not null default 0;
alter table memory_source_items add column discovered_at timestamptz;
alter table memory_source_items add column links text[];

-- Scoped API keys: each sees only the indexes its patterns match, with a scope
-- (read < write < admin). Only a SHA-256 digest of the key is stored; the key
-- itself is shown once, when it is created. API_KEYS from the environment stay
-- admin keys and are not stored here.
create table memory_api_keys (
  id text primary key,
  name text not null,
  -- hex SHA-256 of the whole key: the lookup is by digest, so the key never touches the database.
  key_hash text not null unique,
  -- The first characters of the key, so a person can tell their keys apart in a listing.
  key_prefix text not null,
  scope text not null check (scope in ('read', 'write', 'admin')),
  -- Glob patterns over normalised index names, `*` = any run of characters (`acme-*`).
  index_patterns text[] not null check (cardinality(index_patterns) between 1 and 50),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create index memory_api_keys_created on memory_api_keys (created_at, id);

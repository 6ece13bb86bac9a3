#!/usr/bin/env bash
# Makes PostgreSQL 15 + pgvector ready on a Debian 12 machine, idempotently.
# pgvector is not packaged for bookworm, so we build Debian's own source package
# (from a deb-src-only trixie entry) against the installed server. trixie is
# never added as a binary suite: apt would then upgrade libc6, gcc and more.
set -euo pipefail

PGVER="${PGVER:-15}"
DB_NAME="${PGDATABASE_TEST:-test}"
PG_PORT="${PGPORT:-5432}"
log() { printf '[setup-postgres] %s\n' "$*" >&2; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_admin() { as_postgres psql -p "$PG_PORT" -X -v ON_ERROR_STOP=1 -qtA "$@"; }

have_server() { [ -x "/usr/lib/postgresql/$PGVER/bin/postgres" ]; }
have_vector() { [ -f "/usr/share/postgresql/$PGVER/extension/vector.control" ]; }

apt_updated=0
apt_update() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
}

if ! have_server; then
  apt_update
  log "installing postgresql-$PGVER"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PGVER" postgresql-client >/dev/null
fi

if ! have_vector; then
  src_list=/etc/apt/sources.list.d/trixie-src.sources
  if [ ! -f "$src_list" ]; then
    log "adding deb-src-only trixie entry ($src_list)"
    cat >"$src_list" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=0
  fi
  apt_update
  log "installing build dependencies"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "postgresql-server-dev-$PGVER" build-essential dpkg-dev >/dev/null
  work="$(mktemp -d)"
  log "building pgvector from Debian's source package in $work"
  (
    cd "$work"
    apt-get source -qq --download-only pgvector >/dev/null
    dpkg-source -x --no-check ./pgvector_*.dsc src >/dev/null
    cd src
    make -s PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config" OPTFLAGS="" >/dev/null
    make -s PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config" install >/dev/null
  )
  rm -rf "$work"
  have_vector || { log "pgvector build finished but vector.control is missing"; exit 1; }
fi

if ! as_postgres pg_isready -q -p "$PG_PORT"; then
  log "starting cluster $PGVER/main"
  pg_ctlcluster --skip-systemctl-redirect "$PGVER" main start
  for _ in $(seq 1 50); do as_postgres pg_isready -q -p "$PG_PORT" && break; sleep 0.2; done
fi

if [ "$(psql_admin -d postgres -c "select 1 from pg_database where datname = '$DB_NAME'")" != 1 ]; then
  log "creating database $DB_NAME"
  psql_admin -d postgres -c "create database \"$DB_NAME\""
fi
psql_admin -d "$DB_NAME" -c "create extension if not exists vector" >/dev/null
log "ready: PostgreSQL $PGVER on 127.0.0.1:$PG_PORT, database $DB_NAME, pgvector $(psql_admin -d "$DB_NAME" -c "select extversion from pg_extension where extname='vector'")"

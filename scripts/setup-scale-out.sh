#!/usr/bin/env bash
# The scale-out stack beside the primary PostgreSQL (made ready by scripts/setup-postgres.sh), idempotent and
# fast when already up:
#   - PgBouncer (Debian 12's 1.18) in transaction mode on 127.0.0.1:$PGBOUNCER_PORT, in front of the primary,
#     as Neon's `-pooler` endpoint sits in front of its Postgres;
#   - a hot standby streaming from the primary (pg_basebackup -R over loopback) on 127.0.0.1:$STANDBY_PORT,
#     as a Neon read replica.
# Ports: the primary is $TEST_PG_PORT / $PGPORT (5432 in CI); PgBouncer and the standby default to the primary's
# port + 1100 / + 1200, so clusters on other ports get stacks of their own. `--stop` stops both.
set -euo pipefail

PGVER="${PGVER:-15}"
BIN="/usr/lib/postgresql/$PGVER/bin"
PRIMARY_PORT="${TEST_PG_PORT:-${PGPORT:-5432}}"
PGBOUNCER_PORT="${TEST_PGBOUNCER_PORT:-$((PRIMARY_PORT + 1100))}"
STANDBY_PORT="${TEST_STANDBY_PORT:-$((PRIMARY_PORT + 1200))}"
BASE="${SM_SCALE_DIR:-/var/lib/postgresql/serverless-memory}"
BOUNCER_DIR="$BASE/pgbouncer-$PGBOUNCER_PORT"
STANDBY_DIR="$BASE/standby-$STANDBY_PORT"
SLOT="sm_standby_$STANDBY_PORT"
REPLICATOR=sm_replicator
log() { printf '[setup-scale-out] %s\n' "$*" >&2; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
primary_sql() { as_postgres psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -X -v ON_ERROR_STOP=1 -qtA "$@"; }
standby_sql() { as_postgres psql -h 127.0.0.1 -p "$STANDBY_PORT" -U postgres -d postgres -X -qtA "$@" 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(head -1 "$1")" 2>/dev/null; }

if [ "${1:-}" = "--stop" ]; then
  pid_alive "$BOUNCER_DIR/pgbouncer.pid" && kill "$(head -1 "$BOUNCER_DIR/pgbouncer.pid")" && log "pgbouncer stopped"
  [ -d "$STANDBY_DIR" ] && as_postgres "$BIN/pg_ctl" -D "$STANDBY_DIR" -m fast stop >/dev/null 2>&1 && log "standby stopped"
  exit 0
fi

as_postgres pg_isready -q -h 127.0.0.1 -p "$PRIMARY_PORT" || { log "no primary on 127.0.0.1:$PRIMARY_PORT (run scripts/setup-postgres.sh)"; exit 1; }
mkdir -p "$BASE"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$BASE"

# ---- PgBouncer ------------------------------------------------------------------------------------
if [ ! -x /usr/sbin/pgbouncer ]; then
  log "installing pgbouncer"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
fi
as_postgres mkdir -p "$BOUNCER_DIR"
# Trust, as the primary trusts loopback here; auth_user lets roles created later (tests make capped
# roles) log in without listing each one. Every (database, user) pair is a pool of at most 10 server
# connections, the size of Neon's pooler pools per compute; clients are cheap (up to 2000).
wanted_ini="[databases]
* = host=127.0.0.1 port=$PRIMARY_PORT auth_user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $BOUNCER_DIR/userlist.txt
pool_mode = transaction
default_pool_size = 10
max_client_conn = 2000
admin_users = postgres
stats_users = postgres
ignore_startup_parameters = extra_float_digits
logfile = $BOUNCER_DIR/pgbouncer.log
pidfile = $BOUNCER_DIR/pgbouncer.pid
"
ini="$BOUNCER_DIR/pgbouncer.ini"
if [ ! -f "$ini" ] || [ "$(cat "$ini")" != "$(printf '%s' "$wanted_ini")" ]; then
  printf '%s' "$wanted_ini" | as_postgres tee "$ini" >/dev/null
  echo '"postgres" ""' | as_postgres tee "$BOUNCER_DIR/userlist.txt" >/dev/null
  if pid_alive "$BOUNCER_DIR/pgbouncer.pid"; then
    log "pgbouncer config changed: restarting"
    kill "$(head -1 "$BOUNCER_DIR/pgbouncer.pid")"
    for _ in $(seq 1 50); do pid_alive "$BOUNCER_DIR/pgbouncer.pid" || break; sleep 0.1; done
  fi
fi
if ! pid_alive "$BOUNCER_DIR/pgbouncer.pid"; then
  log "starting pgbouncer on 127.0.0.1:$PGBOUNCER_PORT (transaction pooling) -> 127.0.0.1:$PRIMARY_PORT"
  as_postgres /usr/sbin/pgbouncer -q -d "$ini"
fi
for i in $(seq 1 50); do
  as_postgres psql -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U postgres -d pgbouncer -X -qtA -c "show version" >/dev/null 2>&1 && break
  [ "$i" = 50 ] && { log "pgbouncer did not answer; see $BOUNCER_DIR/pgbouncer.log"; exit 1; }
  sleep 0.1
done
log "ready: pgbouncer on 127.0.0.1:$PGBOUNCER_PORT (transaction mode, default_pool_size 10)"

# ---- the primary's side of streaming replication ---------------------------------------------------
restart_primary=0
if [ "$(primary_sql -c "show wal_level")" = minimal ]; then
  log "primary: wal_level minimal -> replica (restart)"
  primary_sql -c "alter system set wal_level = replica"
  restart_primary=1
fi
if [ "$(primary_sql -c "show max_wal_senders")" -lt 2 ]; then
  log "primary: max_wal_senders -> 10 (restart)"
  primary_sql -c "alter system set max_wal_senders = 10"
  restart_primary=1
fi
if [ "$restart_primary" = 1 ]; then
  cluster="$(pg_lsclusters --no-header | awk -v p="$PRIMARY_PORT" '$3 == p { print $1 " " $2 }')"
  [ -n "$cluster" ] || { log "no pg_lsclusters entry for port $PRIMARY_PORT to restart"; exit 1; }
  # shellcheck disable=SC2086
  pg_ctlcluster --skip-systemctl-redirect $cluster restart
  for _ in $(seq 1 100); do as_postgres pg_isready -q -h 127.0.0.1 -p "$PRIMARY_PORT" && break; sleep 0.1; done
fi
# A replication slot keeps the WAL a stopped standby still needs; the cap stops a standby that never
# comes back from filling the primary's disk.
if [ "$(primary_sql -c "show max_slot_wal_keep_size")" = "-1" ]; then
  primary_sql -c "alter system set max_slot_wal_keep_size = '1GB'" -c "select pg_reload_conf()" >/dev/null
fi
if [ "$(primary_sql -c "select count(*) from pg_roles where rolname = '$REPLICATOR'")" = 0 ]; then
  primary_sql -c "create role $REPLICATOR login replication"
fi
hba_file="$(primary_sql -c "show hba_file")"
if ! grep -q "^host replication $REPLICATOR 127.0.0.1/32 trust" "$hba_file"; then
  log "primary: allowing replication connections for $REPLICATOR from 127.0.0.1 ($hba_file)"
  # First line: pg_hba.conf is first-match, and a later 'host replication all ... scram' line would win.
  { echo "host replication $REPLICATOR 127.0.0.1/32 trust  # serverless-memory standby"; cat "$hba_file"; } >"$hba_file.new"
  chown --reference="$hba_file" "$hba_file.new" 2>/dev/null || true
  chmod --reference="$hba_file" "$hba_file.new"
  mv "$hba_file.new" "$hba_file"
  primary_sql -c "select pg_reload_conf()" >/dev/null
fi

# ---- the hot standby --------------------------------------------------------------------------------
streaming() { [ "$(standby_sql -c "select status from pg_stat_wal_receiver")" = streaming ]; }
wait_streaming() {
  for _ in $(seq 1 100); do streaming && return 0; sleep 0.1; done
  return 1
}
start_standby() {
  as_postgres "$BIN/pg_ctl" -D "$STANDBY_DIR" -l "$STANDBY_DIR/standby.log" -w -t 60 start >/dev/null
}

if streaming; then
  log "ready: hot standby on 127.0.0.1:$STANDBY_PORT streaming from 127.0.0.1:$PRIMARY_PORT"
  exit 0
fi
if [ -f "$STANDBY_DIR/standby.signal" ]; then
  as_postgres "$BIN/pg_ctl" -D "$STANDBY_DIR" status >/dev/null 2>&1 || start_standby || true
  if wait_streaming; then
    log "ready: hot standby on 127.0.0.1:$STANDBY_PORT (restarted) streaming from 127.0.0.1:$PRIMARY_PORT"
    exit 0
  fi
  log "the standby in $STANDBY_DIR does not stream: rebuilding it"
  as_postgres "$BIN/pg_ctl" -D "$STANDBY_DIR" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$STANDBY_DIR"
primary_sql -c "select pg_drop_replication_slot('$SLOT') from pg_replication_slots where slot_name = '$SLOT'" >/dev/null
log "base backup of 127.0.0.1:$PRIMARY_PORT into $STANDBY_DIR (slot $SLOT)"
as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U "$REPLICATOR" -D "$STANDBY_DIR" \
  -R -X stream -C -S "$SLOT" -c fast
# Debian keeps a cluster's configuration in /etc, so the copy has none: a small one of its own. A hot
# standby needs these limits at least as high as its primary's.
limits=""
for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
  limits="$limits$name = $(primary_sql -c "show $name")"$'\n'
done
as_postgres tee "$STANDBY_DIR/postgresql.conf" >/dev/null <<CONF
# serverless-memory test standby of 127.0.0.1:$PRIMARY_PORT (scripts/setup-scale-out.sh)
listen_addresses = '127.0.0.1'
port = $STANDBY_PORT
unix_socket_directories = '/var/run/postgresql'
cluster_name = 'sm-standby-$STANDBY_PORT'
hot_standby = on
shared_buffers = 32MB
autovacuum = off
$limits
CONF
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$STANDBY_DIR/pg_hba.conf" >/dev/null
as_postgres touch "$STANDBY_DIR/pg_ident.conf"
start_standby
wait_streaming || { log "the standby did not start streaming; see $STANDBY_DIR/standby.log"; exit 1; }
log "ready: hot standby on 127.0.0.1:$STANDBY_PORT streaming from 127.0.0.1:$PRIMARY_PORT"

#!/usr/bin/env bash
# PgBouncer stands in for Hyperdrive's edge pool in the workerd Hyperdrive suite
# (test/helpers/pgbouncer.ts starts a private one per run). Installs Debian's
# package when it is missing; fast and silent when it is there.
set -euo pipefail
if [ -x /usr/sbin/pgbouncer ]; then exit 0; fi
echo "== installing pgbouncer"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq pgbouncer >/dev/null
# The package starts a system-wide instance on 6432; the suite runs its own.
$SUDO systemctl disable --now pgbouncer >/dev/null 2>&1 || $SUDO service pgbouncer stop >/dev/null 2>&1 || true

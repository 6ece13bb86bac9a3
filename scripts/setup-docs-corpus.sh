#!/usr/bin/env bash
# Installs the Debian Reference (debian-reference-en), idempotently: real documentation nobody on this project
# wrote, for the relevance-calibration test (test/node/memory/relevance-calibration.test.ts). Its HTML chapters land in
# /usr/share/debian-reference/.
set -euo pipefail

MARKER=/usr/share/debian-reference/ch01.en.html
log() { printf '[setup-docs-corpus] %s\n' "$*" >&2; }

if [ -f "$MARKER" ]; then
  log "debian-reference-en is already installed"
  exit 0
fi

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "installing debian-reference-en needs root (or sudo): run this script as root"
    exit 1
  fi
}

log "apt-get install debian-reference-en"
if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debian-reference-en; then
  log "apt-get update, then retry"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debian-reference-en
fi
[ -f "$MARKER" ] || { log "debian-reference-en installed but $MARKER is missing"; exit 1; }
log "installed"

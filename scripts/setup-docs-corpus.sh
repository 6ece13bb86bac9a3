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

# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"
apt_install debian-reference-en
[ -f "$MARKER" ] || { log "debian-reference-en installed but $MARKER is missing"; exit 1; }
log "installed"

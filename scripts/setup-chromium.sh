#!/usr/bin/env bash
# Makes Debian's Chromium available at /usr/bin/chromium for the playground's
# browser test (test/node/http/playground.test.ts), idempotently.
# The test drives it with playwright-core, which never downloads a browser:
# Debian's package is what runs, so it gets security updates with the system.
# fonts-dejavu-core gives headless Chromium a font, else text renders as boxes.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
log() { printf '[setup-chromium] %s\n' "$*" >&2; }

if [ -x "$CHROMIUM" ]; then
  log "$CHROMIUM is already installed"
  exit 0
fi

# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"
apt_install chromium fonts-dejavu-core
if [ ! -x "$CHROMIUM" ]; then
  log "apt-get finished but $CHROMIUM is missing"
  exit 1
fi
log "installed: $("$CHROMIUM" --version 2>/dev/null || echo unknown version)"

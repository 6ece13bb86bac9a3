# Sourced by the setup scripts that install a Debian package: `apt_install NAME…` runs as root (or through sudo),
# non-interactively and without recommends, refreshing the package lists first when an install fails on stale ones.
# The sourcing script defines `log` before it sources this file.

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "installing $* needs root (or sudo): run this script as root"
    exit 1
  fi
}

apt_install() {
  log "apt-get install $*"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; then
    log "apt-get update, then retry"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  fi
}

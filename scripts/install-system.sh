#!/usr/bin/env bash
# Installs the system packages the local mesh needs, idempotently. Safe to run again.
# Redis, Sentinel, Patroni and Consul come from Debian; Consul 1.8.7 from the bullseye pool (pinned by sha256).
set -euo pipefail

CONSUL_DEB="consul_1.8.7+dfsg1-2+b3_amd64.deb"
CONSUL_SHA256="e4e888bba104daba1d9161f49bfc52649a7e4efd45b1a7ead5bc54f2cb9c89d9"
CONSUL_URL="http://deb.debian.org/debian/pool/main/c/consul/${CONSUL_DEB}"
APT_PACKAGES=(redis-server redis-sentinel patroni python3-consul python3-psycopg2 postgresql-15 nginx-light wrk curl ca-certificates)
# The test suite also drives the queue status page in a real headless browser.
TEST_PACKAGES=(chromium)
CACHE_DIR="${MUTIROES_CACHE_DIR:-/var/cache/mutiroes}"
if [ "${1:-}" = "--with-test-tools" ]; then APT_PACKAGES+=("${TEST_PACKAGES[@]}"); fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { printf '[install] %s\n' "$*"; }

# Node.js 24 LTS first: npm ci and every service run on it.
bash "$(dirname "$0")/install-node.sh"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
need_consul=1
if command -v consul >/dev/null 2>&1 && consul version 2>/dev/null | grep -q 'Consul v1.8.7'; then need_consul=0; fi

if [ ${#missing[@]} -eq 0 ] && [ $need_consul -eq 0 ]; then
  log "system packages present (consul 1.8.7, redis, sentinel, patroni, postgresql 15)"
  exit 0
fi

# Packages must not start system instances on default ports that could disturb (or be disturbed by) the mesh:
# a temporary policy-rc.d refuses service starts during this install only.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  created_policy=1
fi
cleanup() { if [ $created_policy -eq 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_consul -eq 1 ]; then
  $SUDO mkdir -p "$CACHE_DIR"
  deb="$CACHE_DIR/$CONSUL_DEB"
  if [ ! -f "$deb" ] || ! echo "$CONSUL_SHA256  $deb" | sha256sum -c --quiet - 2>/dev/null; then
    log "downloading $CONSUL_DEB"
    $SUDO curl -fsSL --retry 3 -o "$deb.part" "$CONSUL_URL"
    $SUDO mv "$deb.part" "$deb"
  fi
  echo "$CONSUL_SHA256  $deb" | sha256sum -c --quiet -
  log "installing consul 1.8.7"
  $SUDO apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
fi
log "done: $(consul version | head -1), $(redis-server --version | cut -d' ' -f3), patroni $(patroni --version 2>/dev/null | awk '{print $2}')"

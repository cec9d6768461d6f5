#!/usr/bin/env bash
# Replays docker/node.Dockerfile without Docker, for machines that have none: stage 1 (npm ci + tsc -b +
# react-router build of services/web on a clean export of HEAD) and, per service workspace, stage 2 (npm ci
# --omit=dev --omit=optional -w platform -w registry -w <ws>, then only the dist folders, and services/web/build
# for the web), and starts <ws>/dist/main.js for a few seconds to prove every import resolves with production
# dependencies only. Any ERR_MODULE_NOT_FOUND fails it; config or connection errors are expected (nothing else
# runs) and fine. The web gets a production config that passes, so it loads its server build (a dynamic import) and must
# log "web listening" before its Consul registration fails. Loopback only; it kills what it starts.
# Usage: docker/dry-run-node-images.sh [workspace...]
#   (default: gateway services/api services/worker services/beat services/web)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
workspaces=("$@")
[ ${#workspaces[@]} -gt 0 ] || workspaces=(gateway services/api services/worker services/beat services/web)
work="$(mktemp -d "${TMPDIR:-/tmp}/node-image-dryrun.XXXXXX")"
trap 'rm -rf "$work"' EXIT
pkgs=(package.json package-lock.json platform/package.json registry/package.json mesh/package.json gateway/package.json
      services/api/package.json services/worker/package.json services/beat/package.json services/web/package.json)

echo "[dry-run] stage 1: export HEAD, npm ci, tsc -b, react-router build (services/web)"
mkdir "$work/build"
git -C "$repo" archive HEAD | tar -x -C "$work/build"
(cd "$work/build" && npm ci --no-audit --no-fund --prefer-offline >/dev/null && npx tsc -b \
  && npm run -s build -w services/web >/dev/null && test -f services/web/build/server/index.js)

fail=0
# production-valid values for the web's config (a random key, a UUID-shaped token), so it gets past its config
token="$(node -e 'console.log(crypto.randomUUID())')"
web_key="$(node -e 'console.log(crypto.randomBytes(32).toString("hex"))')"
for ws in "${workspaces[@]}"; do
  rt="$work/rt-${ws//\//-}"
  mkdir "$rt"
  (cd "$work/build" && cp --parents "${pkgs[@]}" "$rt/")
  (cd "$rt" && npm ci --omit=dev --omit=optional --include-workspace-root -w platform -w registry -w "$ws" \
      --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
  for d in platform registry "$ws"; do cp -r "$work/build/$d/dist" "$rt/$d/dist"; done
  if [ -d "$work/build/$ws/build" ]; then cp -r "$work/build/$ws/build" "$rt/$ws/build"; fi
  if [ ! -f "$rt/$ws/dist/main.js" ]; then echo "[dry-run] $ws: no dist/main.js"; fail=1; continue; fi
  if [ -d "$rt/node_modules/typescript" ] || [ -d "$rt/node_modules/tsx" ]; then echo "[dry-run] $ws: dev dependencies installed"; fail=1; fi
  out="$rt/run.log"
  (cd "$rt" && NODE_ENV=production HOST=127.0.0.1 PORT=0 SERVICE_NAME="${ws##*/}" INSTANCE_ID=dryrun \
      CONSUL_HTTP_ADDR=127.0.0.1:1 DB_PASSWORD=dryrun JWT_SECRET=dry-run-secret-0123456789abcdef \
      CONSUL_HTTP_TOKEN="$token" WEB_SESSION_SECRET="$web_key" WEB_TILE_URL='https://tiles.dry-run.invalid/{z}/{x}/{y}.png' \
      timeout -s TERM 6 node "$ws/dist/main.js" >"$out" 2>&1) || true
  if grep -qE 'ERR_MODULE_NOT_FOUND|Cannot find (package|module)' "$out"; then
    echo "[dry-run] $ws: FAILS to resolve imports:"; grep -E 'ERR_MODULE_NOT_FOUND|Cannot find' "$out" | head -5; fail=1
  elif [ "$ws" = services/web ] && ! grep -q 'web listening' "$out"; then
    echo "[dry-run] $ws: did not load its server build and listen:"; head -c 600 "$out"; echo; fail=1
  else
    echo "[dry-run] $ws: imports resolve with production deps ($(ls "$rt/node_modules" | wc -l) top-level packages); first log line:"
    head -c 300 "$out"; echo
  fi
done
exit $fail

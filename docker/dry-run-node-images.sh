#!/usr/bin/env bash
# Replays docker/node.Dockerfile without Docker, for machines that have none: stage 1 (npm ci + tsc -b on a
# clean export of HEAD) and, per service workspace, stage 2 (npm ci --omit=dev -w platform -w registry -w <ws>,
# then only the dist folders), and starts <ws>/dist/main.js for a few seconds to prove every import resolves
# with production dependencies only. Any ERR_MODULE_NOT_FOUND fails it; config or connection errors are
# expected (nothing else runs) and fine. Loopback only; it kills what it starts.
# Usage: docker/dry-run-node-images.sh [workspace...]   (default: gateway services/api services/worker services/beat)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
workspaces=("$@")
[ ${#workspaces[@]} -gt 0 ] || workspaces=(gateway services/api services/worker services/beat)
work="$(mktemp -d "${TMPDIR:-/tmp}/node-image-dryrun.XXXXXX")"
trap 'rm -rf "$work"' EXIT
pkgs=(package.json package-lock.json platform/package.json registry/package.json mesh/package.json gateway/package.json
      services/api/package.json services/worker/package.json services/beat/package.json)

echo "[dry-run] stage 1: export HEAD, npm ci, tsc -b"
mkdir "$work/build"
git -C "$repo" archive HEAD | tar -x -C "$work/build"
(cd "$work/build" && npm ci --no-audit --no-fund --prefer-offline >/dev/null && npx tsc -b)

fail=0
for ws in "${workspaces[@]}"; do
  rt="$work/rt-${ws//\//-}"
  mkdir "$rt"
  (cd "$work/build" && cp --parents "${pkgs[@]}" "$rt/")
  (cd "$rt" && npm ci --omit=dev --include-workspace-root -w platform -w registry -w "$ws" \
      --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
  for d in platform registry "$ws"; do cp -r "$work/build/$d/dist" "$rt/$d/dist"; done
  if [ ! -f "$rt/$ws/dist/main.js" ]; then echo "[dry-run] $ws: no dist/main.js"; fail=1; continue; fi
  if [ -d "$rt/node_modules/typescript" ] || [ -d "$rt/node_modules/tsx" ]; then echo "[dry-run] $ws: dev dependencies installed"; fail=1; fi
  out="$rt/run.log"
  (cd "$rt" && NODE_ENV=production HOST=127.0.0.1 PORT=0 SERVICE_NAME="${ws##*/}" INSTANCE_ID=dryrun \
      CONSUL_HTTP_ADDR=127.0.0.1:1 DB_PASSWORD=dryrun JWT_SECRET=dry-run-secret-0123456789abcdef \
      timeout -s TERM 6 node "$ws/dist/main.js" >"$out" 2>&1) || true
  if grep -qE 'ERR_MODULE_NOT_FOUND|Cannot find (package|module)' "$out"; then
    echo "[dry-run] $ws: FAILS to resolve imports:"; grep -E 'ERR_MODULE_NOT_FOUND|Cannot find' "$out" | head -5; fail=1
  else
    echo "[dry-run] $ws: imports resolve with production deps ($(ls "$rt/node_modules" | wc -l) top-level packages); first log line:"
    head -c 300 "$out"; echo
  fi
done
exit $fail

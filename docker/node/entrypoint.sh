#!/bin/sh
# Container start of a Mutirões service: derive the per-container part of the service env, then run
# `node <flags> <workspace>/dist/main.js` in its place (exec; `init: true` in compose reaps and forwards signals).
set -eu
: "${WORKSPACE:?}" "${SERVICE_NAME:?}"
lib=/usr/local/lib/mutiroes
# HOST is the address the instance listens on and registers in Consul: the container's own IP on the
# compose network, so the gateway and the Consul servers' HTTP checks can reach it. Replicas made by
# --scale differ by IP and by hostname (the container id), hence INSTANCE_ID.
if [ -z "${HOST:-}" ]; then
  HOST="$(node "$lib/container-identity.mjs" address)"
  export HOST
fi
INSTANCE_ID="$(node "$lib/container-identity.mjs" instance-id)"
export INSTANCE_ID
# The workspace's own Node flags (package.json "mutiroes.nodeFlags", e.g. the gateway's young-generation size; the
# launcher reads the same list). Each is one word of the form --flag or --flag=value.
flags="$(node -e 'const f = require(process.argv[1]).mutiroes?.nodeFlags ?? []; console.log(f.join(" "))' "/app/${WORKSPACE}/package.json")"
# shellcheck disable=SC2086 # one word per flag
exec node $flags "/app/${WORKSPACE}/dist/main.js" "$@"

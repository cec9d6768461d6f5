#!/bin/bash
# Starts a Sentinel from a writable config (Sentinel rewrites it with what it learns: keep it in the data
# volume) and keeps the Sentinel registered in Consul as `redis-sentinel`.
set -euo pipefail
: "${SENTINEL_ANNOUNCE_HOSTNAME:?}" "${REDIS_MASTER_HOST:?}" "${REDIS_SENTINEL_MASTER:?}" "${CONSUL_HTTP_ADDR:?}" "${CONSUL_HTTP_TOKEN:?}" "${REDIS_PASSWORD:?}"

conf=/data/sentinel.conf
if [ ! -s "$conf" ]; then
  sed -e "s|\${SENTINEL_ANNOUNCE_HOSTNAME}|${SENTINEL_ANNOUNCE_HOSTNAME}|g" \
      -e "s|\${REDIS_MASTER_HOST}|${REDIS_MASTER_HOST}|g" \
      -e "s|\${REDIS_SENTINEL_MASTER}|${REDIS_SENTINEL_MASTER}|g" \
      -e "s|\${REDIS_PASSWORD}|${REDIS_PASSWORD}|g" \
      /usr/local/etc/redis/sentinel.conf.template > "$conf"
  echo "sentinel: wrote $conf from the template (master ${REDIS_SENTINEL_MASTER} at ${REDIS_MASTER_HOST}:6379)"
fi
if grep -q '\${' "$conf"; then echo "sentinel: unfilled placeholder in $conf" >&2; exit 1; fi

/usr/local/bin/register-in-consul.sh &

# The official entrypoint chowns /data and drops to the redis user for `redis-server`.
exec docker-entrypoint.sh redis-server "$conf" --sentinel

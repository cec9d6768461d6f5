#!/bin/bash
# Keeps this Sentinel registered in Consul as service `redis-sentinel` (TCP check run by the Consul server),
# so clients find Sentinels through Consul only. Registers on the first reachable server of CONSUL_HTTP_ADDR
# and re-registers elsewhere if that server goes away (agent registrations die with their agent).
set -uo pipefail
name="${SENTINEL_ANNOUNCE_HOSTNAME:?}"
port="${SENTINEL_PORT:-26379}"
id="redis-sentinel-${name}"
IFS=',' read -r -a agents <<< "${CONSUL_HTTP_ADDR:?}"

payload=$(cat <<JSON
{"ID": "${id}", "Name": "redis-sentinel", "Address": "${name}", "Port": ${port},
 "Meta": {"master_name": "${REDIS_SENTINEL_MASTER:-mutiroes}"},
 "Check": {"CheckID": "${id}-tcp", "Name": "sentinel ${name} tcp", "TCP": "${name}:${port}",
           "Interval": "5s", "Timeout": "2s", "DeregisterCriticalServiceAfter": "2m"}}
JSON
)

registered_on=""
while true; do
  if [ -n "$registered_on" ] && curl -fsS --max-time 3 -H "X-Consul-Token: ${CONSUL_HTTP_TOKEN}" "http://${registered_on}/v1/agent/service/${id}" >/dev/null 2>&1; then
    sleep 10
    continue
  fi
  [ -n "$registered_on" ] && echo "register-in-consul: ${id} no longer on ${registered_on}, registering again"
  registered_on=""
  for agent in "${agents[@]}"; do
    agent="${agent#http://}"
    if curl -fsS --max-time 3 -X PUT -H "X-Consul-Token: ${CONSUL_HTTP_TOKEN}" --data "$payload" "http://${agent}/v1/agent/service/register" >/dev/null 2>&1; then
      registered_on="$agent"
      echo "register-in-consul: ${id} registered on ${agent}"
      break
    fi
  done
  if [ -n "$registered_on" ]; then sleep 10; else sleep 2; fi
done

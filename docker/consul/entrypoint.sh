#!/bin/sh
# Consul server of docker-compose.distributed.yml (hashicorp/consul image). Before the agent starts:
#   TLS  — consul-1 creates the cluster CA and one server certificate per server in the shared `consul-tls`
#          volume (once); every server waits for its own certificate (internal RPC: verify in/out + hostname).
# After it starts, on consul-1 only:
#   ACLs — converges one policy per service kind (consul/compose/policies/<kind>.hcl, the same rules as
#          mesh/src/consul-acl.ts, checked by mesh/src/compose/compose-file.test.ts) and creates each kind's
#          token with the SecretID from the env file (CONSUL_TOKEN_<KIND>). Idempotent on every start.
set -eu
: "${CONSUL_NODE_NAME:?}" "${CONSUL_MANAGEMENT_TOKEN:?}"
tls=/consul/tls
if [ "$CONSUL_NODE_NAME" = consul-1 ] && [ ! -s "$tls/consul-agent-ca.pem" ]; then
  (cd "$tls" && consul tls ca create -days=1825 >/dev/null \
    && for n in consul-1 consul-2 consul-3; do
         consul tls cert create -server -dc=dc1 -days=825 -additional-dnsname="$n" >/dev/null
         mv dc1-server-consul-0.pem "$n.pem" && mv dc1-server-consul-0-key.pem "$n-key.pem"
       done \
    && chmod 600 ./*-key.pem && chown -R consul:consul "$tls")
  echo "consul: TLS CA and server certificates written to $tls"
fi
until [ -s "$tls/$CONSUL_NODE_NAME-key.pem" ]; do echo "consul: waiting for $tls/$CONSUL_NODE_NAME.pem"; sleep 2; done
printf '{"tls":{"defaults":{"cert_file":"%s","key_file":"%s"}}}\n' "$tls/$CONSUL_NODE_NAME.pem" "$tls/$CONSUL_NODE_NAME-key.pem" \
  > /consul/config/tls-self.json

docker-entrypoint.sh "$@" &
agent=$!
trap 'kill -TERM $agent' TERM INT

if [ "$CONSUL_NODE_NAME" = consul-1 ]; then
  export CONSUL_HTTP_TOKEN="$CONSUL_MANAGEMENT_TOKEN"
  until consul acl token read -self >/dev/null 2>&1; do
    kill -0 "$agent" 2>/dev/null || exit 1
    sleep 2
  done
  for f in /consul/policies/*.hcl; do
    kind=$(basename "$f" .hcl)
    name="mutiroes-$kind"
    consul acl policy update -name "$name" -rules "@$f" >/dev/null 2>&1 \
      || consul acl policy create -name "$name" -description "least privilege of $kind" -rules "@$f" >/dev/null
    var="CONSUL_TOKEN_$(echo "$kind" | tr 'a-z-' 'A-Z_')"
    secret=$(printenv "$var" || true)
    if [ -z "$secret" ]; then echo "consul: $var is not set, no token for $kind" >&2; continue; fi
    consul acl token read -self -token "$secret" >/dev/null 2>&1 \
      || consul acl token create -secret "$secret" -policy-name "$name" -description "mutiroes $kind" >/dev/null
  done
  echo "consul: ACL policies and per-kind tokens in place"
fi
wait "$agent"

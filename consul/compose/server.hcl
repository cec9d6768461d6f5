# Consul server config for docker-compose.distributed.yml (the same file on the 3 servers; node name comes
# from -node=, data dir and bind address from the official image's entrypoint: CONSUL_BIND_INTERFACE=eth0).
datacenter       = "dc1"
server           = true
bootstrap_expect = 3
client_addr      = "0.0.0.0"
ui               = true
log_level        = "INFO"
disable_update_check = true
# Patroni's sessions (ttl/2 = 3 s) and the beat's leader lock need a session TTL below Consul's 10 s default.
session_ttl_min  = "1s"
reconnect_timeout = "8h"
# Compose service names resolve through Docker's DNS; retry_join keeps trying while peers start.
retry_join       = ["consul-1", "consul-2", "consul-3"]
performance {
  raft_multiplier = 1
}
# Gossip key, initial management and agent tokens come from the env file through CONSUL_LOCAL_CONFIG, this
# server's certificate through tls-self.json (docker/consul/entrypoint.sh). Same model as the local mesh
# (docs/adr/0008-zero-trust-mesh.md): ACLs default deny, a token per service kind.
acl {
  enabled                  = true
  default_policy           = "deny"
  down_policy              = "extend-cache"
  enable_token_persistence = true
}
# TLS between the servers (RPC, raft): a certificate from the cluster CA, hostname verified.
tls {
  defaults {
    ca_file         = "/consul/tls/consul-agent-ca.pem"
    verify_outgoing = true
  }
  internal_rpc {
    verify_incoming        = true
    verify_server_hostname = true
  }
}

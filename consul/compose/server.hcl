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

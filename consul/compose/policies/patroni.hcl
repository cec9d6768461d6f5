service "pgha" { policy = "write" }
service_prefix "" { policy = "read" }
node_prefix "" { policy = "read" }
key_prefix "service/pgha/" { policy = "write" }
session_prefix "" { policy = "write" }
agent_prefix "" { policy = "read" }

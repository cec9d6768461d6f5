service "beat" { policy = "write" }
service "leader-lock" { policy = "write" }
service_prefix "" { policy = "read" }
node_prefix "" { policy = "read" }
key_prefix "mutiroes/beat/" { policy = "write" }
session_prefix "" { policy = "write" }

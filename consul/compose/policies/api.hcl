service "api" { policy = "write" }
service_prefix "" { policy = "read" }
node_prefix "" { policy = "read" }

node_prefix "" { policy = "write" }
service_prefix "" { policy = "read" }

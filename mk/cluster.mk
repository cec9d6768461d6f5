# The cluster profile: the whole mesh spread over 3 simulated hosts (network namespaces host-a/b/c on the
# bridge mut-br0, 10.77.0.0/24), and its partition drills. Needs root (ip netns).
CLUSTER_ENV := MESH_PROFILE=cluster MESH_PORT_BASE=29500
CLUSTER_MESH := $(CLUSTER_ENV) $(MESH)
PARTITION_DRILLS := partition-redis partition-postgres partition-consul partition-asymmetric latency
PARTITION_DRILL := $(CLUSTER_ENV) node --conditions=source --import tsx mesh/src/cluster/partition-drill.main.ts

.PHONY: cluster-up cluster-down cluster-status cluster-health drill-partition-all $(addprefix drill-,$(PARTITION_DRILLS))
cluster-up: install ## the mesh on 3 simulated hosts (host-a/b/c in network namespaces, 10.77.0.0/24)
	@$(CLUSTER_MESH) up

cluster-down: ## stop the cluster and remove its namespaces, veths and bridge
	@$(CLUSTER_MESH) down

cluster-status: ## the cluster's components: host, pid, port, Consul health
	@$(CLUSTER_MESH) status

cluster-health: ## the cluster's infrastructure health
	@$(CLUSTER_MESH) health

drill-partition-all: ## every partition drill in turn on the running cluster
	@$(PARTITION_DRILL) $(PARTITION_DRILLS)

$(addprefix drill-,$(PARTITION_DRILLS)): drill-%: ## one partition drill on the running cluster, e.g. make drill-partition-redis
	@$(PARTITION_DRILL) $*

# Failover drills on a running mesh (make up first). Each prints progress and a table, writes
# bench/results/drill-<name>.json and exits non-zero when anything acknowledged was lost.
DRILLS := api web redis postgres consul worker beat rolling
DRILL := node --conditions=source --import tsx mesh/src/drills/drill.main.ts

.PHONY: drill-all $(addprefix drill-,$(DRILLS))
drill-all: ## run every failover drill in turn on the running mesh
	@$(DRILL) $(DRILLS)

$(addprefix drill-,$(DRILLS)): drill-%: ## one drill, e.g. make drill-redis
	@$(DRILL) $*

# @mutiroes/gateway targets (included by the root Makefile).
.PHONY: bench-gateway gateway-test-unit gateway-test-integration gateway-typecheck

BENCH_TARGETS += bench-gateway

bench-gateway: ## gateway vs nginx vs direct on 3 local backends (private Consul); writes bench/results/gateway.json
	@node --conditions=source --import tsx bench/gateway/run.ts

gateway-typecheck: ## typecheck the gateway workspace
	@npx tsc -p gateway --noEmit

gateway-test-unit: ## gateway unit tests (no infrastructure)
	@npm -w @mutiroes/gateway run -s test:unit

# Profile `test` like the root test-integration target, unless MESH_PROFILE is given on the command line.
gateway-test-integration: ## gateway tests through the real gateway, real Consul/Redis (brings the mesh infra up if needed)
	@$(if $(filter command line environment,$(origin MESH_PROFILE)),,MESH_PROFILE=test) $(MESH) test-run -- npm -w @mutiroes/gateway run -s test:integration

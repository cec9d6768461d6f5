# @mutiroes/gateway targets (included by the root Makefile).
.PHONY: bench-gateway bench-gateway-limits gateway-test-unit gateway-test-integration gateway-typecheck

BENCH_TARGETS += bench-gateway

# Its own mesh profile (infrastructure only; the bench starts its 3 API instances, the gateway and nginx itself),
# so a dev or test mesh may stay up. BENCH_BACKENDS=api,echo  BENCH_DURATION_S=10  BENCH_ROUNDS=2  GATEWAY_WORKERS=1
# BENCH_PROXY_NICE=0  BENCH_GATEWAY_NODE_FLAGS=  (ADR 0018: the floor target, busy/steal %, when a tail is measurable)
bench-gateway: ## gateway vs nginx vs direct in front of 3 real API instances, then 3 echo backends; writes bench/results/gateway.json
	@MESH_PROFILE=bench-gw MESH_PORT_BASE=26500 $(MESH) test-run -- node --conditions=source --import tsx bench/gateway/run.ts

# What the shared rate limits cost per decision (leased batches from the bench mesh's real Redis), isolated from the proxy.
bench-gateway-limits: ## CPU µs per rate-limit decision and Redis calls per 1000 requests (leased batches vs one call per request)
	@MESH_PROFILE=bench-gw MESH_PORT_BASE=26500 $(MESH) test-run -- node --conditions=source --import tsx bench/gateway/limiter-cost.ts

gateway-typecheck: ## typecheck the gateway workspace
	@npx tsc -p gateway --noEmit

gateway-test-unit: ## gateway unit tests (no infrastructure)
	@npm -w @mutiroes/gateway run -s test:unit

# Profile `test` like the root test-integration target, unless MESH_PROFILE is given on the command line.
gateway-test-integration: ## gateway tests through the real gateway, real Consul/Redis (brings the mesh infra up if needed)
	@$(if $(filter command line environment,$(origin MESH_PROFILE)),,MESH_PROFILE=test) $(MESH) test-run -- npm -w @mutiroes/gateway run -s test:integration

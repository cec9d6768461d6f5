# @mutiroes/registry targets (included by the root Makefile).
.PHONY: registry-typecheck registry-test-unit registry-test-integration

registry-typecheck: ## typecheck the registry workspace
	@npx tsc -p registry --noEmit

registry-test-unit: ## registry unit tests: index rules, backoff, selection (no infrastructure)
	@npm -w @mutiroes/registry run -s test:unit

registry-test-integration: ## registry against real Consul/Sentinel/Patroni: watch latency, Consul loss, leader handover, Redis and Postgres failover (~3 min)
	@$(MESH) test-run -- npm -w @mutiroes/registry run -s test:integration

# @mutiroes/api targets (included by the root Makefile). The mesh env (Consul, DB password, JWT secret)
# comes from the launcher: `$(MESH) env`.
.PHONY: seed api-seed api-test-unit api-test-integration api-typecheck

seed: api-seed ## idempotent seed: event categories and badge catalogue (needs the mesh up)

api-seed:
	@set -a; eval "$$($(MESH) env)"; set +a; npm -w @mutiroes/api run -s seed

api-typecheck: ## typecheck the API workspace
	@npx tsc -b platform contracts registry && npx tsc -p services/api --noEmit

api-test-unit: ## API unit tests (no infrastructure)
	@npm -w @mutiroes/api run -s test:unit

api-test-integration: ## API contract tests over HTTP against the mesh infra (brings it up if needed)
	@$(MESH) test-run -- npm -w @mutiroes/api run -s test:integration

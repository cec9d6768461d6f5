# @mutiroes/worker and @mutiroes/beat targets (included by the root Makefile).
# make bench-queue [BENCH_CONCURRENCY="1 50"] [BENCH_JOBS=N]   make worker-test-unit   make worker-test-integration
BENCH_TARGETS += bench-queue
.PHONY: bench-queue worker-test-unit worker-test-integration worker-typecheck

bench-queue: ## bee-queue no-op jobs/s through Sentinel-backed Redis at concurrency 1 and 50 → bench/results/queue.json
	@BENCH_CONCURRENCY="$(or $(BENCH_CONCURRENCY),1 50)" $(if $(BENCH_JOBS),BENCH_JOBS=$(BENCH_JOBS)) \
	  $(MESH) test-run -- node --conditions=source --import tsx services/worker/bench/queue-bench.ts

worker-typecheck: ## typecheck the worker and beat workspaces
	@npx tsc -p services/worker --noEmit && npx tsc -p services/beat --noEmit

worker-test-unit: ## worker and beat unit tests (no infrastructure)
	@npm -w @mutiroes/worker run -s test:unit && npm -w @mutiroes/beat run -s test:unit

worker-test-integration: ## worker/beat tests against the mesh infra (jobs, status page in Chromium, drills, beat handover)
	@$(MESH) test-run -- sh -c 'npm -w @mutiroes/worker run -s test:integration && npm -w @mutiroes/beat run -s test:integration'

# @mutiroes/web targets (included by the root Makefile).
.PHONY: bench-web web-build web-test-integration

BENCH_TARGETS += bench-web

# On the running mesh (make up; make populate for data): an extra gateway with rate limits off, 50 clients.
# BENCH_DURATION_S=10  BENCH_CONNECTIONS=50  BENCH_LCP_RUNS=3
bench-web: ## web app: server-render p50/p99 (home, list, detail), JS shipped per page, LCP at 4× CPU; writes bench/results/web.json
	@node --conditions=source --import tsx bench/web/run.ts

web-build: ## production build of the web app (vite) into services/web/build
	@npm -w @mutiroes/web run -s build

web-test-integration: ## web browser journeys and failure tests on a private mesh (profile test unless given)
	@$(if $(filter command line environment,$(origin MESH_PROFILE)),,MESH_PROFILE=test) $(MESH) test-run -- npm -w @mutiroes/web run -s test:integration

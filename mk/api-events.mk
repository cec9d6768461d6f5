# Events API benchmark (bench/api/events-bench.ts): seeds 10k/100k/1M events, loads list/detail/nearby,
# prints a p50/p99/req/s table, writes bench/results/api.json and the EXPLAIN of the nearby query.
# make bench-api [BENCH_SIZES=10000,100000] [BENCH_DURATION_S=10] [BENCH_CONNECTIONS=10] [BENCH_KEEP=1]
BENCH_TARGETS += bench-api
BENCH_SIZES ?= 10000,100000,1000000
BENCH_DURATION_S ?= 10
BENCH_CONNECTIONS ?= 10
.PHONY: bench-api

bench-api: ## events API benchmark: list, detail, nearby at 10k/100k/1M events (BENCH_SIZES to change)
	@BENCH_SIZES=$(BENCH_SIZES) BENCH_DURATION_S=$(BENCH_DURATION_S) BENCH_CONNECTIONS=$(BENCH_CONNECTIONS) BENCH_KEEP=$(BENCH_KEEP) \
	  $(MESH) test-run -- node --conditions=source --import tsx bench/api/events-bench.ts

# Mutirões mesh — the operator's interface. Thin wrappers over the launcher (mesh/) and npm scripts.
# Profile: MESH_PROFILE=dev (ports 8080/8500…, default) or test (18080/18500…, used by `make test`).
SHELL := /bin/bash
.DEFAULT_GOAL := help
MESH_PROFILE ?= dev
export MESH_PROFILE
MESH := node --conditions=source --import tsx mesh/src/cli.ts
N ?= 3

.PHONY: help install deps up up-infra down restart status health logs logs-% scale-backends scale-workers scale-beats scale-web \
        kill populate seed test test-unit test-integration typecheck lint format build bench

help: ## list targets
	@grep -hE '^[a-zA-Z0-9_%-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-22s %s\n", $$1, $$2}'

install: ## system packages (Consul 1.8.7, Redis, Sentinel, Patroni, PostgreSQL 15) and npm dependencies
	@bash scripts/install-system.sh
	@$(MAKE) --no-print-directory deps

deps:
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  echo "[install] npm ci"; npm ci --no-audit --no-fund --loglevel=error; \
	else echo "[install] node_modules up to date"; fi

up: install ## bring the whole mesh up (infra + 3 api, 2 workers, 2 beats, 2 web, gateway) and print the URLs
	@$(MESH) up

up-infra: install ## only Consul, Redis+Sentinel, Patroni/Postgres and the SMTP sink
	@$(MESH) up --infra-only

down: ## stop everything the launcher started (by pid); leaves no process or port
	@$(MESH) down

restart: ## down, then up
	@$(MESH) restart

status: ## table of components: pid, port, restarts, Consul health
	@$(MESH) status

health: ## infrastructure and service health (exit 1 when unhealthy)
	@$(MESH) health

logs: ## last lines of every log (make logs F=1 to follow)
	@$(MESH) logs $(if $(F),-f)

logs-%: ## logs of one component or kind, e.g. make logs-api-1, make logs-consul-1
	@$(MESH) logs $* $(if $(F),-f)

scale-backends: ## run N API instances: make scale-backends N=5
	@$(MESH) scale api=$(N)

scale-workers: ## run N workers: make scale-workers N=4
	@$(MESH) scale worker=$(N)

scale-beats: ## run N beat replicas
	@$(MESH) scale beat=$(N)

scale-web: ## run N web app instances: make scale-web N=3
	@$(MESH) scale web=$(N)

kill: ## SIGKILL a component (drills): make kill C=redis-1
	@$(MESH) kill $(C)

test: ## the whole suite: unit tests, then integration tests on a private mesh (profile test)
	@bash scripts/install-system.sh --with-test-tools
	@$(MAKE) --no-print-directory deps
	@MESH_PROFILE=test npm test

test-unit: ## unit tests only
	@npm run -s test:unit

test-integration: ## integration tests only (profile test)
	@MESH_PROFILE=test npm run -s test:integration

typecheck: ## tsc -b over every workspace
	@npm run -s typecheck

lint: ## eslint
	@npm run -s lint

format: ## prettier --write
	@npm run -s format

build: ## compile every workspace to dist/
	@npm run -s build

bench: ## every benchmark (each prints a table and writes bench/results/*.json)
	@$(MAKE) --no-print-directory $(BENCH_TARGETS)

# Areas add their own targets (bench-api, bench-queue, drills, compose-…) in mk/*.mk.
BENCH_TARGETS :=
-include mk/*.mk

# Docker deployment of the mesh (docker-compose.distributed.yml); see docs/compose.md.
# make compose-up [SCALE="api=5 worker=3"]   make compose-logs [S=api]   make compose-down [VOLUMES=1]
COMPOSE_FILE_DISTRIBUTED := docker-compose.distributed.yml
COMPOSE_ENV_FILE ?= .env
COMPOSE_DISTRIBUTED := MESH_NETWORK_DRIVER=bridge docker compose -f $(COMPOSE_FILE_DISTRIBUTED) --env-file $(COMPOSE_ENV_FILE)

.PHONY: compose-up compose-down compose-logs compose-ps compose-config compose-test compose-env-check compose-image-dryrun

compose-env-check:
	@test -f $(COMPOSE_ENV_FILE) || { echo "$(COMPOSE_ENV_FILE) missing: cp .env.example $(COMPOSE_ENV_FILE) and replace every change-me value" >&2; exit 1; }
	@! grep -q 'change-me' $(COMPOSE_ENV_FILE) || { echo "$(COMPOSE_ENV_FILE) still has change-me placeholder secrets" >&2; exit 1; }

compose-up: compose-env-check
	$(COMPOSE_DISTRIBUTED) up -d --build --wait $(foreach s,$(SCALE),--scale $(s))

compose-down:
	$(COMPOSE_DISTRIBUTED) down --remove-orphans $(if $(VOLUMES),--volumes)

compose-logs:
	$(COMPOSE_DISTRIBUTED) logs -f --tail=200 $(S)

compose-ps:
	$(COMPOSE_DISTRIBUTED) ps

# needs a Docker host: full validation of the file by docker compose itself
compose-config: compose-env-check
	$(COMPOSE_DISTRIBUTED) config --quiet

# runs anywhere: the static checks of the compose file, Dockerfiles and env example
compose-test:
	node --conditions=source --import tsx --test mesh/src/compose/compose-file.test.ts

# runs anywhere (no Docker): replays docker/node.Dockerfile's two stages on HEAD and loads each service
compose-image-dryrun:
	docker/dry-run-node-images.sh

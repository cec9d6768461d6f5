# Realistic pt-BR sample data (tools/sample-data), written to the running mesh's Postgres.
# make populate [POPULATE_SIZE=small|medium|large] [POPULATE_USERS=n POPULATE_EVENTS=n] [POPULATE_TAG=x POPULATE_SEED=n]
POPULATE_SIZE ?= small
.PHONY: populate

populate: ## realistic sample data (POPULATE_SIZE=small|medium|large)
	@mesh_env="$$($(MESH) env)" || exit 1; \
	env $$(echo "$$mesh_env" | xargs) POPULATE_SIZE=$(POPULATE_SIZE) \
	  $(if $(POPULATE_USERS),POPULATE_USERS=$(POPULATE_USERS)) $(if $(POPULATE_EVENTS),POPULATE_EVENTS=$(POPULATE_EVENTS)) \
	  $(if $(POPULATE_TAG),POPULATE_TAG=$(POPULATE_TAG)) $(if $(POPULATE_SEED),POPULATE_SEED=$(POPULATE_SEED)) \
	  $(if $(POPULATE_BATCH),POPULATE_BATCH=$(POPULATE_BATCH)) \
	  node --conditions=source --import tsx tools/sample-data/src/populate.main.ts

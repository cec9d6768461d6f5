# syntax=docker/dockerfile:1
# One image per TypeScript service workspace (gateway, services/api, services/worker, services/beat):
#   docker build -f docker/node.Dockerfile --build-arg WORKSPACE=services/api -t mutiroes/api .
# Build context: the repository root (.dockerignore keeps node_modules, dist and .env out).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- stage 1: full install (dev deps for tsc) and build of the whole project graph
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY platform/package.json platform/
COPY registry/package.json registry/
COPY mesh/package.json mesh/
COPY gateway/package.json gateway/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/beat/package.json services/beat/
RUN npm ci --no-audit --no-fund
COPY platform/ platform/
COPY registry/ registry/
COPY mesh/ mesh/
COPY gateway/ gateway/
COPY services/ services/
# Workspaces export "default": "./dist/index.js", so the built code resolves workspaces through dist.
RUN npx tsc -b \
 && for d in platform/dist registry/dist gateway/dist services/*/dist; do \
      if [ -d "$d" ]; then find "$d" -name '*.test.*' -delete; fi; \
    done

# ---- stage 2: production dependencies of the service and the libraries it imports, plus their dist
FROM ${NODE_IMAGE} AS runtime
ARG WORKSPACE
ENV NODE_ENV=production \
    WORKSPACE=${WORKSPACE}
WORKDIR /app
# npm ci checks the lockfile against every workspace's package.json, so all of them are needed.
COPY package.json package-lock.json ./
COPY platform/package.json platform/
COPY registry/package.json registry/
COPY mesh/package.json mesh/
COPY gateway/package.json gateway/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/beat/package.json services/beat/
# -w selects the service plus the library workspaces (platform, registry): only their prod deps are installed
# and only they are linked under node_modules/@mutiroes/ (verified with npm 11 on the lockfile).
RUN set -eu; \
    if [ -z "${WORKSPACE}" ] || [ ! -f "${WORKSPACE}/package.json" ]; then \
      echo "build arg WORKSPACE must name a workspace folder (e.g. services/api), got '${WORKSPACE}'" >&2; exit 1; \
    fi; \
    npm ci --omit=dev --include-workspace-root -w platform -w registry -w "${WORKSPACE}" \
      --ignore-scripts --no-audit --no-fund; \
    npm cache clean --force
COPY --from=build /app/platform/dist platform/dist
COPY --from=build /app/registry/dist registry/dist
COPY --from=build /app/${WORKSPACE}/dist ${WORKSPACE}/dist
COPY docker/node/ /usr/local/lib/mutiroes/
RUN chmod 755 /usr/local/lib/mutiroes/entrypoint.sh \
 && test -f "${WORKSPACE}/dist/main.js" \
 && mkdir -p /var/lib/mutiroes/media /var/lib/mutiroes/run \
 && chown -R node:node /var/lib/mutiroes

USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=4s --start-period=40s --retries=3 \
    CMD ["node", "/usr/local/lib/mutiroes/healthcheck.mjs"]
# entrypoint.sh derives HOST / INSTANCE_ID for this container, then execs: node ${WORKSPACE}/dist/main.js
ENTRYPOINT ["/usr/local/lib/mutiroes/entrypoint.sh"]

# syntax=docker/dockerfile:1
# One image per TypeScript service workspace (gateway, services/api, services/worker, services/beat, services/web):
#   docker build -f docker/node.Dockerfile --build-arg WORKSPACE=services/api -t mutiroes/api .
# Every image runs <workspace>/dist/main.js (tsc output). The web image also carries services/web/build, the
# `react-router build` output (client assets + server bundle) that services/web/dist/main.js loads at start
# (WEB_BUILD_DIR, default `build`, relative to the workspace); the server bundle imports only packages of the
# web workspace's "dependencies" (react, react-dom, react-router, @react-router/node).
# Build context: the repository root (.dockerignore keeps node_modules, dist and .env out).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- stage 1: full install (dev deps for tsc) and build of the whole project graph
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY platform/package.json platform/
COPY contracts/package.json contracts/
COPY registry/package.json registry/
COPY mesh/package.json mesh/
COPY gateway/package.json gateway/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/beat/package.json services/beat/
COPY services/web/package.json services/web/
COPY tools/sample-data/package.json tools/sample-data/
RUN npm ci --no-audit --no-fund
COPY platform/ platform/
COPY contracts/ contracts/
COPY registry/ registry/
COPY mesh/ mesh/
COPY gateway/ gateway/
COPY services/ services/
COPY tools/ tools/
# Workspaces export "default": "./dist/index.js", so the built code resolves workspaces through dist.
# The web app's bundles come from `react-router build` (vite) into services/web/build.
# /out/<workspace>/ is what the runtime stage copies of its own workspace: dist, plus build where there is one.
RUN npx tsc -b \
  && npm run build -w services/web \
  && test -f services/web/build/server/index.js \
  && for d in platform/dist contracts/dist registry/dist gateway/dist services/*/dist; do \
      if [ -d "$d" ]; then find "$d" -name '*.test.*' -delete; fi; \
    done \
 && for ws in gateway services/*; do \
      mkdir -p "/out/$ws" && cp -r "$ws/dist" "/out/$ws/dist"; \
      if [ -d "$ws/build" ]; then cp -r "$ws/build" "/out/$ws/build"; fi; \
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
COPY contracts/package.json contracts/
COPY registry/package.json registry/
COPY mesh/package.json mesh/
COPY gateway/package.json gateway/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/beat/package.json services/beat/
COPY services/web/package.json services/web/
COPY tools/sample-data/package.json tools/sample-data/
# -w selects the service plus the library workspaces (platform, contracts, registry): only their prod deps are installed
# and only they are linked under node_modules/@mutiroes/ (verified with npm 11 on the lockfile).
# --omit=optional too: typescript is `devOptional` in the lockfile (the root's dev dependency and an optional
# peer of @react-router/node), and --omit=dev alone installs it (23 MB) in every image. The only other optional
# package is pg-cloudflare, which pg loads on Cloudflare Workers only.
RUN set -eu; \
    if [ -z "${WORKSPACE}" ] || [ ! -f "${WORKSPACE}/package.json" ]; then \
      echo "build arg WORKSPACE must name a workspace folder (e.g. services/api), got '${WORKSPACE}'" >&2; exit 1; \
    fi; \
    npm ci --omit=dev --omit=optional --include-workspace-root -w platform -w contracts -w registry -w "${WORKSPACE}" \
      --ignore-scripts --no-audit --no-fund; \
    npm cache clean --force
COPY --from=build /app/platform/dist platform/dist
COPY --from=build /app/contracts/dist contracts/dist
COPY --from=build /app/registry/dist registry/dist
# the service's own dist (and, for services/web, its react-router build)
COPY --from=build /out/${WORKSPACE}/ ${WORKSPACE}/
COPY docker/node/ /usr/local/lib/mutiroes/
RUN chmod 755 /usr/local/lib/mutiroes/entrypoint.sh \
 && test -f "${WORKSPACE}/dist/main.js" \
 && if [ "${WORKSPACE}" = services/web ]; then test -f services/web/build/server/index.js; fi \
 && mkdir -p /var/lib/mutiroes/media /var/lib/mutiroes/run \
 && chown -R node:node /var/lib/mutiroes

USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=4s --start-period=40s --retries=3 \
    CMD ["node", "/usr/local/lib/mutiroes/healthcheck.mjs"]
# entrypoint.sh derives HOST / INSTANCE_ID for this container, then execs: node ${WORKSPACE}/dist/main.js
ENTRYPOINT ["/usr/local/lib/mutiroes/entrypoint.sh"]

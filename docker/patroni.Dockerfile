# syntax=docker/dockerfile:1
# PostgreSQL 15 (official Debian image) + Patroni from Debian bookworm, Consul as DCS.
# Build context: the repository root (docker compose -f docker-compose.distributed.yml build pg-1).
# bookworm pinned: the Debian patroni 3.0.2 packages below come from bookworm (the plain postgres:15 tag can
# move to a newer Debian release).
FROM postgres:15-bookworm

# `-t bookworm`: take Debian's patroni 3.0.2 (the version measured in INFRA-RECIPE.md), not a newer one
# from the PGDG repository the postgres image also configures. curl is for the healthcheck.
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -t bookworm \
        patroni python3-consul python3-psycopg2 curl ca-certificates; \
    rm -rf /var/lib/apt/lists/*; \
    patroni --version

COPY postgres/compose/patroni.yml.template /etc/patroni/patroni.yml.template
COPY docker/patroni/entrypoint.sh docker/patroni/render-config.py docker/patroni/post-bootstrap.sh /usr/local/lib/patroni/
RUN chmod 755 /usr/local/lib/patroni/entrypoint.sh /usr/local/lib/patroni/post-bootstrap.sh

# The data volume lives at /var/lib/postgresql/data (owned by postgres in the base image); Patroni runs
# initdb into data/pgdata itself.
USER postgres
EXPOSE 5432 8008
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=5 \
    CMD curl -fsS -o /dev/null http://localhost:8008/health || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/lib/patroni/entrypoint.sh"]

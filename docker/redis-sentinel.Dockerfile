# syntax=docker/dockerfile:1
# Redis Sentinel on the official redis:7 image, plus curl so each Sentinel registers itself in Consul.
# Build context: the repository root.
FROM redis:7

RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates; \
    rm -rf /var/lib/apt/lists/*

COPY redis-sentinel/compose/sentinel.conf.template /usr/local/etc/redis/sentinel.conf.template
COPY docker/redis/sentinel-entrypoint.sh docker/redis/register-in-consul.sh /usr/local/bin/
RUN chmod 755 /usr/local/bin/sentinel-entrypoint.sh /usr/local/bin/register-in-consul.sh

EXPOSE 26379
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=5 \
    CMD REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p 26379 sentinel ckquorum "${REDIS_SENTINEL_MASTER:-mutiroes}" | grep -q '^OK' || exit 1
ENTRYPOINT ["sentinel-entrypoint.sh"]

// Composition of one gateway process: routing state fed by the catalog, the raw HTTP server, admin app, WebSocket proxy.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@mutiroes/platform';
import { adminPortOf, type GatewayConfig } from './config.js';
import type { Catalog, CatalogSource } from './domain/catalog.js';
import { RoutingState } from './domain/routing-state.js';
import { EjectionPolicy } from './domain/ejection-policy.js';
import { RateLimiter } from './domain/rate-limiter.js';
import { CorsPolicy } from './domain/edge-headers.js';
import { breakerAdmits } from './domain/upstream.js';
import { normalizeIp } from './domain/client-address.js';
import { UndiciUpstreamFactory } from './data-access/upstream-factory.js';
import { RedisRateLimitStore, type RedisScripting } from './data-access/redis-rate-limit.store.js';
import { GatewayMetrics } from './entry-points/metrics.js';
import { ProxyHandler } from './entry-points/proxy-handler.js';
import { WebSocketProxy } from './entry-points/websocket-proxy.js';
import {
  createAdminApp,
  isPublicGatewayPath,
  statusSnapshot,
  type AdminDeps,
  type StatusSnapshot,
} from './entry-points/admin-app.js';
import { AccessLog } from './entry-points/access-log.js';
import { guardRequestBody, limitConnectionsPerAddress } from './entry-points/client-guards.js';
import { isUploadPath } from './domain/route-class.js';

export interface GatewayDeps {
  catalog: CatalogSource;
  /** Shared Redis for rate limits (the registry's Sentinel-aware client); null = per-process limits only. */
  redis: RedisScripting | null;
  log: Logger;
  /** When Consul last confirmed the view (ms epoch); defaults to the time of the last catalog snapshot. */
  viewConfirmedAt?: () => number;
  /**
   * Open the operator listener (default true). A cluster worker opens none: the primary answers for the
   * instance (entry-points/cluster-admin.ts) and asks the workers for their metrics and status().
   */
  adminListener?: boolean;
}

export interface GatewayHandle {
  readonly server: http.Server;
  readonly port: number;
  readonly url: string;
  /** The operator listener (/status, /metrics), on 127.0.0.1 only; null when deps.adminListener is false. */
  readonly adminServer: http.Server | null;
  readonly adminUrl: string | null;
  /** This process's routing table and counters (what /status shows). */
  status(): StatusSnapshot;
  readonly state: RoutingState;
  readonly proxy: ProxyHandler;
  readonly metrics: GatewayMetrics;
  readonly limiter: RateLimiter | null;
  /** Marks the gateway draining (readiness fails, responses carry Connection: close) and stops accepting connections. */
  stopAccepting(): Promise<void>;
  /** Waits until no request is in flight (or the timeout). */
  drain(timeoutMs: number): Promise<boolean>;
  /** Closes remaining connections, upstream pools, breakers and the catalog watch. */
  close(): Promise<void>;
}

/**
 * Opens an operator listener: loopback only, whatever HOST is (the routing table and metrics are for the
 * operator on this machine). Resolves with the bound port.
 */
export async function listenOperator(server: http.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startGateway(config: GatewayConfig, deps: GatewayDeps): Promise<GatewayHandle> {
  const log = deps.log;
  let draining = false;
  let lastCatalogAt = 0;

  const viewAgeSeconds = (): number => {
    const t = Math.max(lastCatalogAt, deps.viewConfirmedAt?.() ?? 0);
    return t ? (Date.now() - t) / 1000 : -1;
  };
  const metrics = new GatewayMetrics(viewAgeSeconds, () => countUpstreams(state));

  const factory = new UndiciUpstreamFactory(
    {
      connectTimeoutMs: config.GATEWAY_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: config.GATEWAY_RESPONSE_HEADER_TIMEOUT_MS,
      bodyTimeoutMs: config.GATEWAY_BODY_TIMEOUT_MS,
      keepAliveMs: config.GATEWAY_UPSTREAM_KEEPALIVE_MS,
      connections: config.GATEWAY_UPSTREAM_CONNECTIONS,
    },
    {
      errorThresholdPercentage: config.GATEWAY_BREAKER_ERROR_PERCENT,
      volumeThreshold: config.GATEWAY_BREAKER_VOLUME,
      resetTimeout: config.GATEWAY_BREAKER_RESET_MS,
      rollingCountTimeout: config.GATEWAY_BREAKER_WINDOW_MS,
    },
    log,
    (scope, name, s) => metrics.breakerState.labels(scope, name).set(s),
  );
  const state = new RoutingState(factory, config.GATEWAY_ROUTED_SERVICES);
  const ejection = new EjectionPolicy(
    {
      afterFailures: config.GATEWAY_EJECT_AFTER_FAILURES,
      baseMs: config.GATEWAY_EJECT_BASE_MS,
      maxMs: config.GATEWAY_EJECT_MAX_MS,
      maxFraction: config.GATEWAY_EJECT_MAX_FRACTION,
    },
    {
      ejected: (u, ms, reason) => {
        log.warn('upstream ejected', {
          service: u.instance.service,
          instance: u.id,
          duration_ms: ms,
          reason,
          ejections: u.ejections,
        });
        metrics.ejections.labels(u.instance.service, u.id, reason).inc();
        metrics.ejected.labels(u.instance.service, u.id).set(1);
      },
      readmitted: (u) => {
        log.info('upstream re-admitted', { service: u.instance.service, instance: u.id });
        metrics.ejected.labels(u.instance.service, u.id).set(0);
      },
    },
  );

  const limiter = createRateLimiter(config, deps, metrics);
  metrics.rateLimitShared.set(limiter?.isShared ? 1 : 0);
  if (limiter && !deps.redis) log.warn('no redis client: rate limits are per-process only');

  const trusted = new Set(config.GATEWAY_TRUSTED_PROXIES.map(normalizeIp));
  const proxy = new ProxyHandler({
    state,
    retry: {
      maxTries: config.GATEWAY_RETRY_TRIES,
      budgetMs: config.GATEWAY_RETRY_BUDGET_MS,
      retryOn5xx: config.GATEWAY_RETRY_ON_5XX,
      tryTimeoutMs: config.GATEWAY_RETRY_TRY_TIMEOUT_MS,
    },
    ejection,
    metrics,
    log,
    limiter,
    cors: new CorsPolicy({
      origins: config.GATEWAY_CORS_ORIGINS,
      credentials: config.GATEWAY_CORS_CREDENTIALS,
      maxAgeS: config.GATEWAY_CORS_MAX_AGE_S,
    }),
    trustedProxies: trusted,
    maxBodyBytes: (url) =>
      isUploadPath(url) ? config.GATEWAY_MAX_UPLOAD_BODY_BYTES : config.GATEWAY_MAX_BODY_BYTES,
    accessLog: config.GATEWAY_ACCESS_LOG ? new AccessLog('gateway', config.INSTANCE_ID) : null,
    headersTimeoutMs: config.GATEWAY_RESPONSE_HEADER_TIMEOUT_MS,
    draining: () => draining,
  });
  const adminDeps: AdminDeps = {
    instanceId: config.INSTANCE_ID,
    state,
    metrics,
    stats: proxy.stats,
    rateLimitShared: () => (limiter ? limiter.isShared : null),
    viewAgeSeconds,
    draining: () => draining,
  };
  const admin = createAdminApp(adminDeps);

  const onCatalog = (catalog: Catalog) => {
    lastCatalogAt = Date.now();
    const c = state.apply(catalog);
    if (c.added.length || c.removed.length) {
      log.info('routing table updated', {
        routes: state.table.routes.map((r) => `${r.prefix}→${r.service}`),
        added: c.added.map((u) => u.id),
        removed: c.removed.map((u) => u.id),
      });
    }
    for (const conflict of state.table.conflicts)
      log.warn('route claimed by several services', { prefix: conflict.prefix, services: conflict.services });
  };
  deps.catalog.on('change', onCatalog);

  const server = http.createServer(
    {
      keepAliveTimeout: config.GATEWAY_CLIENT_KEEPALIVE_MS,
      headersTimeout: config.GATEWAY_CLIENT_HEADERS_TIMEOUT_MS,
      requestTimeout: config.GATEWAY_CLIENT_REQUEST_TIMEOUT_MS,
      // A request without a body (no Content-Length / Transfer-Encoding: most of them) starts out ended, so
      // node:http runs no stream events for it: ~3 µs of CPU per request less (A/B on the echo bench).
      optimizeEmptyRequests: true,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      if (isPublicGatewayPath(url)) return void admin(req, res);
      const route = state.table.match(url);
      if (!route) return proxy.notFound(req, res);
      guardRequestBody(req, res, config.GATEWAY_CLIENT_BODY_IDLE_MS);
      proxy.handle(req, res, route);
    },
  );
  limitConnectionsPerAddress(server, config.GATEWAY_MAX_CONNECTIONS_PER_IP, trusted, (ip) => {
    metrics.rejected.labels('connections').inc();
    log.warn('connection refused: too many open from this address', {
      ip,
      max: config.GATEWAY_MAX_CONNECTIONS_PER_IP,
    });
  });
  const adminServer =
    deps.adminListener === false
      ? null
      : http.createServer(
          { headersTimeout: 10_000, requestTimeout: 30_000 },
          (req, res) => void admin(req, res),
        );
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && err.code !== 'ECONNRESET')
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  // WebSocket upgrades: the instance, rate limit and headers are chosen as for any request.
  const websockets = new WebSocketProxy({ state, limiter, trustedProxies: trusted, log });
  server.on('upgrade', websockets.upgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const adminBound = adminServer ? await listenOperator(adminServer, adminPortOf(config)) : null;
  log.info('gateway listening', {
    host: config.HOST,
    port,
    admin_port: adminBound,
    rate_limits: limiter ? (deps.redis ? 'redis' : 'per-process') : 'off',
  });

  return {
    server,
    port,
    url: `http://${config.HOST}:${port}`,
    adminServer,
    adminUrl: adminBound === null ? null : `http://127.0.0.1:${adminBound}`,
    status: () => statusSnapshot(adminDeps),
    state,
    proxy,
    metrics,
    limiter,
    async stopAccepting() {
      draining = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // server.close() resolves once every connection ended; don't wait for it here.
        setImmediate(resolve);
      });
    },
    async drain(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (proxy.stats.inFlight > 0 && Date.now() < deadline) {
        server.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 25));
      }
      return proxy.stats.inFlight === 0;
    },
    async close() {
      draining = true;
      if (websockets.open) log.info('closing websocket connections', { count: websockets.open });
      websockets.closeAll();
      server.closeAllConnections();
      server.close();
      adminServer?.closeAllConnections();
      adminServer?.close();
      deps.catalog.close();
      state.close();
      limiter?.close();
      metrics.registry.clear();
    },
  };
}

/** Available / ejected / breaker-open instance counts per service, for the gauges. */
function countUpstreams(state: RoutingState): Array<{ service: string; state: string; n: number }> {
  const out: Array<{ service: string; state: string; n: number }> = [];
  for (const p of state.pools.values()) {
    let avail = 0;
    let ej = 0;
    let open = 0;
    for (const u of p.upstreams) {
      if (u.ejected) ej++;
      else if (!breakerAdmits(u.breaker)) open++;
      else avail++;
    }
    out.push(
      { service: p.name, state: 'available', n: avail },
      { service: p.name, state: 'ejected', n: ej },
      { service: p.name, state: 'breaker_open', n: open },
    );
  }
  return out;
}

/** Per-IP rate limits, shared through Redis when a client is given (per-process buckets meanwhile). */
function createRateLimiter(
  config: GatewayConfig,
  deps: GatewayDeps,
  metrics: GatewayMetrics,
): RateLimiter | null {
  if (!config.GATEWAY_RATE_LIMIT) return null;
  return new RateLimiter(
    {
      apiRatePerS: config.GATEWAY_API_RATE_PER_S,
      apiBurst: config.GATEWAY_API_BURST,
      authRatePerMin: config.GATEWAY_AUTH_RATE_PER_MIN,
      authBurst: config.GATEWAY_AUTH_BURST,
      authPaths: config.GATEWAY_AUTH_PATHS,
      concurrencyPerIp: config.GATEWAY_CONCURRENCY_PER_IP,
      storeTimeoutMs: config.GATEWAY_REDIS_TIMEOUT_MS,
      leasePrefix: `${config.INSTANCE_ID}:${process.pid}:${Date.now().toString(36)}`,
    },
    deps.redis ? new RedisRateLimitStore(deps.redis) : null,
    (shared, why) => {
      metrics.rateLimitShared.set(shared ? 1 : 0);
      if (shared) deps.log.info('rate limits shared through redis again');
      else deps.log.warn('redis unavailable: rate limits fall back to per-process buckets', { error: why });
    },
  );
}

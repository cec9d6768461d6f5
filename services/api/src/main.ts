// Boot of an API instance: config → logger → Consul → Postgres (migrations) → Redis → cache/outbox relay
// → HTTP listen → Consul registration → signal handlers. Shutdown runs the same in reverse.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createLogger, Lifecycle, type Logger } from '@mutiroes/platform';
import {
  ConsulRegistry,
  createPostgres,
  createRedis,
  registerLifecycle,
  type RedisClient,
  type Registration,
} from '@mutiroes/registry';
import { loadConfig, type ApiConfig } from './config.js';
import type { ApiDeps } from './deps.js';
import { createApp } from './app.js';
import { createDatabase } from './data-access/database.js';
import { runMigrations } from './data-access/migrator.js';
import { createHotCache } from './data-access/cache/hot-cache.js';
import { OutboxRepository } from './data-access/outbox/outbox.repository.js';
import {
  createOutbox,
  createOutboxRelay,
  type OutboxRelay,
} from './entry-points/outbox-relay/outbox-relay.js';
import { createAuthMiddlewares } from './entry-points/http/auth.middleware.js';
import { accessTokenStillValid } from './domain/users/auth-tokens.use-case.js';
import { API_VERSION } from './version.js';

export { API_VERSION };

export interface StartOptions {
  /** Environment to read the config from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Register in Consul as `api` (default: true when run as the process entry, false otherwise). */
  register?: boolean;
  /** Install SIGTERM/SIGINT handlers that shut down and exit (only for the process entry). */
  signalHandlers?: boolean;
}

export interface RunningApi {
  url: string;
  port: number;
  instanceId: string;
  config: ApiConfig;
  deps: ApiDeps;
  relay: OutboxRelay;
  redis: RedisClient;
  registry: ConsulRegistry;
  registration: Registration | null;
  lifecycle: Lifecycle;
  stop(): Promise<void>;
}

const running = new Set<RunningApi>();

export async function startWebServer(opts: StartOptions = {}): Promise<RunningApi> {
  const config = loadConfig(opts.env);
  const log: Logger = createLogger({
    service: config.SERVICE_NAME,
    instance: config.INSTANCE_ID ?? `api-${process.pid}`,
    level: config.LOG_LEVEL,
  });
  const lifecycle = new Lifecycle(log, 25_000);
  let ready = false;
  let draining = false;
  try {
    const registry = new ConsulRegistry({
      consulAddr: config.CONSUL_HTTP_ADDR,
      token: config.CONSUL_HTTP_TOKEN,
      logger: log.child({ module: 'registry' }),
    });
    lifecycle.onShutdown('close consul registry', 5, () => registry.close());

    const pg = await createPostgres({
      registry,
      database: config.DB_NAME,
      username: config.DB_USER,
      password: config.DB_PASSWORD ?? '',
      logger: log.child({ module: 'postgres' }),
      replicaReads: true,
    });
    lifecycle.onShutdown('close postgres', 10, () => pg.close());
    const migrated = await runMigrations(pg.sequelize, log.child({ module: 'migrator' }));
    log.info('database schema up to date', {
      applied: migrated.applied,
      already_applied: migrated.alreadyApplied,
    });

    const redis = await createRedis({
      registry,
      masterName: config.REDIS_SENTINEL_MASTER,
      password: config.REDIS_PASSWORD,
      logger: log.child({ module: 'redis' }),
    });
    lifecycle.onShutdown('close redis', 10, async () => {
      await redis.quit().catch(() => redis.disconnect());
    });

    const db = createDatabase({
      sequelize: pg.sequelize,
      reader: pg.reader,
      redis,
      windowS: config.READ_YOUR_WRITES_S,
      log: log.child({ module: 'database' }),
    });
    const cache = createHotCache({ redis, log: log.child({ module: 'cache' }) });
    // Subscriptions must not block the boot while Redis is away: ioredis subscribes when it connects.
    void db
      .start()
      .catch((e: unknown) => log.warn('read-your-writes subscription failed', { error: String(e) }));
    void cache
      .start()
      .catch((e: unknown) => log.warn('cache invalidation subscription failed', { error: String(e) }));
    lifecycle.onShutdown('stop cache and read-your-writes subscribers', 50, async () => {
      await Promise.allSettled([db.stop(), cache.close()]);
    });

    const relay = createOutboxRelay({
      sequelize: pg.sequelize,
      redis,
      log: log.child({ module: 'outbox-relay' }),
      pollMs: config.OUTBOX_POLL_MS,
      replicaAckTimeoutMs: config.OUTBOX_REPLICA_ACK_TIMEOUT_MS,
      singleNodeGraceMs: config.OUTBOX_SINGLE_NODE_GRACE_MS,
    });
    relay.start();
    lifecycle.onShutdown('stop outbox relay', 50, () => relay.stop());

    const auth = createAuthMiddlewares(config.JWT_SECRET, {
      tokenStillValid: (userId, iat) => accessTokenStillValid({ db, cache }, userId, iat),
    });
    const deps: ApiDeps = {
      config,
      logger: log,
      db,
      cache,
      outbox: createOutbox(pg.sequelize, relay),
      requireAuth: auth.requireAuth,
      optionalAuth: auth.optionalAuth,
    };
    const outboxRepo = new OutboxRepository(pg.sequelize);
    const app = createApp(deps, {
      health: {
        sequelize: pg.sequelize,
        redis,
        isReady: () => ready,
        extra: async () => ({
          instance: config.INSTANCE_ID,
          version: API_VERSION,
          outbox_pending: await outboxRepo.pendingCount(),
        }),
      },
      isDraining: () => draining,
    });

    const server = http.createServer(app);
    server.keepAliveTimeout = 5_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const instanceId = config.INSTANCE_ID ?? `api-${config.HOST}-${port}`;
    ready = true;
    lifecycle.onShutdown('stop accepting and drain http', 80, async () => {
      ready = false;
      draining = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      force.unref();
      await closed;
      clearTimeout(force);
    });
    log.info('api listening', { host: config.HOST, port, instance: instanceId });

    let registration: Registration | null = null;
    if (opts.register ?? false) {
      registration = await registry.register({
        name: config.SERVICE_NAME,
        id: instanceId,
        address: config.HOST,
        port,
        tags: ['api', `v${API_VERSION}`],
        meta: { route: '/api', routes: '/api,/media', version: API_VERSION, instance: instanceId },
        check: {
          http: `http://${config.HOST}:${port}/health/`,
          interval: '2s',
          timeout: '1s',
          deregisterCriticalServiceAfter: '1m',
        },
      });
      registerLifecycle(lifecycle, registration, { graceMs: config.SHUTDOWN_GRACE_MS });
    }
    // First thing on shutdown: /health/ and /readiness/ answer 503 while requests already routed finish.
    lifecycle.onShutdown('mark not ready', 100, () => {
      ready = false;
      draining = true; // responses now carry Connection: close, so pooled keep-alive sockets leave
    });
    if (opts.signalHandlers) lifecycle.installSignalHandlers();

    const handle: RunningApi = {
      url: `http://${config.HOST}:${port}`,
      port,
      instanceId,
      config,
      deps,
      relay,
      redis,
      registry,
      registration,
      lifecycle,
      stop: async () => {
        running.delete(handle);
        await lifecycle.shutdown();
      },
    };
    running.add(handle);
    return handle;
  } catch (e) {
    log.error('api failed to start', { error: e instanceof Error ? e.message : String(e) });
    await lifecycle.shutdown().catch(() => undefined);
    throw e;
  }
}

/** Stops every instance started in this process (tests). */
export async function stopWebServer(): Promise<void> {
  await Promise.allSettled([...running].map((r) => r.stop()));
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  // A stray rejection (a library's background timer) is logged, not fatal: the instance keeps serving.
  process.on('unhandledRejection', (reason) => {
    console.error(
      JSON.stringify({
        level: 'error',
        message: 'unhandled rejection',
        error: reason instanceof Error ? reason.stack : String(reason),
      }),
    );
  });
  startWebServer({ register: true, signalHandlers: true }).catch((e: unknown) => {
    // Already logged; a ConfigError names each bad variable.
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

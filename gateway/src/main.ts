// Boot of one gateway: config → logger → registry (Consul) → Redis → listen → register as `gateway` → signals.
import cluster from 'node:cluster';
import http from 'node:http';
import { createLogger, Lifecycle, type Logger } from '@mutiroes/platform';
import { ConsulRegistry, createRedis, registerLifecycle, type Registration } from '@mutiroes/registry';
import { adminPortOf, loadConfig, type GatewayConfig } from './config.js';
import { listenOperator, startGateway } from './gateway.js';
import { answerPrimary, createPrimaryAdminApp } from './entry-points/cluster-admin.js';
import { RedisRateLimitStore, type RedisScripting } from './data-access/redis-rate-limit.store.js';

async function connectRedisInBackground(
  registry: ConsulRegistry,
  config: GatewayConfig,
  log: Logger,
  attach: (r: RedisScripting & { quit(): Promise<unknown> }) => void,
  stopped: () => boolean,
): Promise<void> {
  // Boot never waits on Redis: until it is found the limits are per-process (logged by the limiter).
  for (let attempt = 1; !stopped(); attempt++) {
    try {
      // Auto-pipelining: the decisions (EVALSHA) and lease releases (ZREM) of the requests handled in one event-loop
      // turn leave in one write and come back in one read, instead of a round trip each.
      const redis = await createRedis({
        registry,
        masterName: config.REDIS_SENTINEL_MASTER,
        password: config.REDIS_PASSWORD,
        logger: log,
        discoveryTimeoutMs: 10_000,
        redisOptions: { enableAutoPipelining: true },
      });
      attach(redis);
      log.info('redis connected for shared rate limits', { attempt });
      return;
    } catch (e) {
      log.warn('redis not reachable yet, retrying', { attempt, error: (e as Error).message });
      await new Promise((r) => setTimeout(r, Math.min(1000 * attempt, 5000)).unref());
    }
  }
}

/**
 * Age of the Consul view: the catalog watch answers only on change (or every blocking-query wait), so a
 * cheap leader probe every 2 s confirms that the last table is still Consul's current view.
 */
function consulConfirmation(addrs: string[]): { at: () => number; stop: () => void } {
  let at = 0;
  let i = 0;
  const probe = async () => {
    for (let k = 0; k < addrs.length; k++) {
      const addr = addrs[(i + k) % addrs.length]!;
      try {
        const r = await fetch(`http://${addr}/v1/status/leader`, { signal: AbortSignal.timeout(1000) });
        if (r.ok && (await r.text()).length > 4) {
          at = Date.now();
          i = (i + k) % addrs.length;
          return;
        }
      } catch {
        // next agent
      }
    }
  };
  void probe();
  const t = setInterval(() => void probe(), 2000);
  t.unref();
  return { at: () => at, stop: () => clearInterval(t) };
}

async function runGateway(config: GatewayConfig, log: Logger, register: boolean): Promise<void> {
  const worker = cluster.isWorker;
  const registry = new ConsulRegistry({
    consulAddr: config.CONSUL_HTTP_ADDR,
    token: config.CONSUL_HTTP_TOKEN,
    logger: log,
  });
  // Coalesce bursts of per-service changes briefly only: a new or departed instance should take effect within ms.
  const catalog = registry.watchServices({ coalesceMs: 5 });
  const confirmation = consulConfirmation(
    config.CONSUL_HTTP_ADDR.split(',').map((a) => a.trim().replace(/^https?:\/\//, '')),
  );
  const gw = await startGateway(config, {
    catalog,
    redis: null,
    log,
    viewConfirmedAt: confirmation.at,
    adminListener: !worker,
  });
  if (worker) answerPrimary(gw.metrics.registry, gw.status);
  let stopping = false;
  let redis: (RedisScripting & { quit(): Promise<unknown> }) | null = null;
  if (config.GATEWAY_RATE_LIMIT) {
    void connectRedisInBackground(
      registry,
      config,
      log,
      (r) => {
        redis = r;
        gw.limiter?.setStore(new RedisRateLimitStore(r));
      },
      () => stopping,
    );
  }
  try {
    await catalog.ready(15_000);
  } catch (e) {
    log.warn('no routing table from consul yet; /ready stays 503 until one arrives', {
      error: (e as Error).message,
    });
  }

  const lifecycle = new Lifecycle(
    log,
    config.GATEWAY_DRAIN_TIMEOUT_MS + config.GATEWAY_DRAIN_GRACE_MS + 5_000,
  );
  let registration: Registration | null = null;
  if (register) {
    registration = await registry.register({
      name: 'gateway',
      id: config.INSTANCE_ID,
      address: config.HOST,
      port: gw.port,
      meta: { version: '0.1.0' },
      check: {
        http: `http://${config.HOST}:${gw.port}/health`,
        interval: '1s',
        timeout: '1s',
        deregisterCriticalServiceAfter: '1m',
      },
    });
    registerLifecycle(lifecycle, registration, { graceMs: config.GATEWAY_DRAIN_GRACE_MS });
  }
  lifecycle.onShutdown('gateway: stop accepting', 80, () => {
    stopping = true;
    return gw.stopAccepting();
  });
  lifecycle.onShutdown('gateway: drain requests in flight', 50, async () => {
    const drained = await gw.drain(config.GATEWAY_DRAIN_TIMEOUT_MS);
    if (!drained)
      log.warn('drain timeout: requests still in flight are cut', { in_flight: gw.proxy.stats.inFlight });
  });
  lifecycle.onShutdown('gateway: close upstreams, redis, consul', 10, async () => {
    confirmation.stop();
    await gw.close();
    await (redis as { quit(): Promise<unknown> } | null)?.quit().catch(() => {});
    await registry.close();
  });
  lifecycle.installSignalHandlers();
  log.info('gateway ready', { port: gw.port, registered: register, pid: process.pid });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const workers = config.GATEWAY_WORKERS;
  if (workers > 1 && cluster.isPrimary) {
    // One process per core sharing the port; each worker keeps its own Consul view and registers nothing —
    // the primary registers the instance once (its HTTP check lands on any worker).
    const log = createLogger({
      service: 'gateway',
      instance: `${config.INSTANCE_ID}/primary`,
      level: config.LOG_LEVEL,
    });
    for (let i = 0; i < workers; i++) cluster.fork();
    cluster.on('exit', (w, code, signal) => {
      if (!shuttingDown) {
        log.warn('gateway worker exited, forking a new one', { pid: w.process.pid, code, signal });
        cluster.fork();
      }
    });
    let shuttingDown = false;
    // Register only once a worker serves the port, so the HTTP check does not start out failing.
    await new Promise<void>((resolve) => cluster.once('listening', () => resolve()));
    // The operator listener answers for the whole instance (workers open none).
    const admin = http.createServer(
      { headersTimeout: 10_000, requestTimeout: 30_000 },
      createPrimaryAdminApp(config.INSTANCE_ID, workers),
    );
    log.info('gateway primary: operator listener for all workers', {
      admin_port: await listenOperator(admin, adminPortOf(config)),
      workers,
    });
    const registry = new ConsulRegistry({
      consulAddr: config.CONSUL_HTTP_ADDR,
      token: config.CONSUL_HTTP_TOKEN,
      logger: log,
    });
    const lifecycle = new Lifecycle(
      log,
      config.GATEWAY_DRAIN_TIMEOUT_MS + config.GATEWAY_DRAIN_GRACE_MS + 5_000,
    );
    if (config.GATEWAY_REGISTER) {
      const registration = await registry.register({
        name: 'gateway',
        id: config.INSTANCE_ID,
        address: config.HOST,
        port: config.PORT,
        meta: { version: '0.1.0', workers: String(workers) },
        check: {
          http: `http://${config.HOST}:${config.PORT}/health`,
          interval: '1s',
          timeout: '1s',
          deregisterCriticalServiceAfter: '1m',
        },
      });
      registerLifecycle(lifecycle, registration, { graceMs: config.GATEWAY_DRAIN_GRACE_MS });
    }
    lifecycle.onShutdown('gateway: stop workers (each drains)', 50, async () => {
      shuttingDown = true;
      const exits = Object.values(cluster.workers ?? {}).map(
        (w) =>
          new Promise<void>((r) => {
            w!.once('exit', () => r());
            w!.process.kill('SIGTERM');
          }),
      );
      await Promise.all(exits);
    });
    lifecycle.onShutdown('gateway: close consul and the operator listener', 10, async () => {
      admin.closeAllConnections();
      admin.close();
      await registry.close();
    });
    lifecycle.installSignalHandlers();
    return;
  }
  const instance = cluster.isWorker ? `${config.INSTANCE_ID}/w${cluster.worker!.id}` : config.INSTANCE_ID;
  const log = createLogger({ service: 'gateway', instance, level: config.LOG_LEVEL });
  await runGateway(config, log, config.GATEWAY_REGISTER && !cluster.isWorker);
}

// A stray rejection (a library's background timer) is logged, not fatal: the gateway keeps serving (as api, worker, beat).
process.on('unhandledRejection', (reason) => {
  console.error(
    JSON.stringify({
      level: 'error',
      message: 'unhandled rejection',
      service: 'gateway',
      error: reason instanceof Error ? reason.stack : String(reason),
    }),
  );
});

main().catch((e: unknown) => {
  console.error(
    JSON.stringify({
      level: 'fatal',
      message: 'gateway failed to start',
      error: e instanceof Error ? e.stack : String(e),
    }),
  );
  process.exit(1);
});

// Boot of a web instance: config → logger → Consul registry → the server build → HTTP listen → Consul
// registration as `web` (route `/`) → signal handlers. Shutdown runs the same in reverse.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import type { ServerBuild } from 'react-router';
import { createLogger, Lifecycle, type Logger } from '@mutiroes/platform';
import { ConsulRegistry, registerLifecycle, type Registration } from '@mutiroes/registry';
import { loadConfig, type WebConfig } from './config.js';
import { ApiClient } from './data-access/api-client.js';
import { createWebApp } from './entry-points/http/web-server.js';

export const WEB_VERSION = '0.1.0';
const WORKSPACE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** Register in Consul as `web` (default false; true for the process entry). */
  register?: boolean;
  signalHandlers?: boolean;
}

export interface RunningWeb {
  url: string;
  port: number;
  instanceId: string;
  config: WebConfig;
  registry: ConsulRegistry;
  registration: Registration | null;
  stop(): Promise<void>;
}

export async function loadServerBuild(buildDir: string): Promise<ServerBuild> {
  const file = path.resolve(WORKSPACE, buildDir, 'server', 'index.js');
  if (!existsSync(file)) {
    throw new Error(`web server build missing (${file}): run \`npm -w @mutiroes/web run build\` first`);
  }
  return (await import(pathToFileURL(file).href)) as ServerBuild;
}

export async function startWebServer(opts: StartOptions = {}): Promise<RunningWeb> {
  const config = loadConfig(opts.env);
  const log: Logger = createLogger({
    service: config.SERVICE_NAME,
    instance: config.INSTANCE_ID ?? `web-${process.pid}`,
    level: config.LOG_LEVEL,
  });
  const lifecycle = new Lifecycle(log, 20_000);
  let ready = false;
  let draining = false;
  let instanceId = config.INSTANCE_ID ?? `web-${process.pid}`;
  try {
    const registry = new ConsulRegistry({
      consulAddr: config.CONSUL_HTTP_ADDR,
      token: config.CONSUL_HTTP_TOKEN,
      logger: log.child({ module: 'registry' }),
    });
    lifecycle.onShutdown('close consul registry', 5, () => registry.close());
    const api = new ApiClient({
      registry,
      service: config.WEB_API_SERVICE,
      timeoutMs: config.WEB_API_TIMEOUT_MS,
      tries: config.WEB_API_TRIES,
      log: log.child({ module: 'api-client' }),
    });
    const build = await loadServerBuild(config.WEB_BUILD_DIR);
    const app = createWebApp({
      config,
      log,
      api,
      build,
      clientDir: path.resolve(WORKSPACE, config.WEB_BUILD_DIR, 'client'),
      isReady: () => ready,
      isDraining: () => draining,
      instanceId: () => instanceId,
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
    instanceId = config.INSTANCE_ID ?? `web-${config.HOST}-${port}`;
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
    // Warm the API watch so the first page does not wait for Consul.
    void registry.resolveAsync(config.WEB_API_SERVICE).catch(() => undefined);
    log.info('web listening', { host: config.HOST, port, instance: instanceId });

    let registration: Registration | null = null;
    if ((opts.register ?? false) && config.WEB_REGISTER) {
      registration = await registry.register({
        name: config.SERVICE_NAME,
        id: instanceId,
        address: config.HOST,
        port,
        tags: ['web', `v${WEB_VERSION}`],
        meta: { route: '/', version: WEB_VERSION, instance: instanceId },
        check: {
          http: `http://${config.HOST}:${port}/health`,
          interval: '2s',
          timeout: '1s',
          deregisterCriticalServiceAfter: '1m',
        },
      });
      registerLifecycle(lifecycle, registration, { graceMs: config.SHUTDOWN_GRACE_MS });
    }
    lifecycle.onShutdown('mark not ready', 100, () => {
      ready = false;
      draining = true;
    });
    if (opts.signalHandlers) lifecycle.installSignalHandlers();
    log.info('web started', { port, instance: instanceId, registered: registration !== null });
    return {
      url: `http://${config.HOST}:${port}`,
      port,
      instanceId,
      config,
      registry,
      registration,
      stop: () => lifecycle.shutdown(),
    };
  } catch (e) {
    log.error('web failed to start', { error: e instanceof Error ? e.message : String(e) });
    await lifecycle.shutdown().catch(() => undefined);
    throw e;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
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
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

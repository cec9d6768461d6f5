// Boot and shutdown of one worker: connections → queues → status server → Consul → heartbeat; reversed on stop.
import os from 'node:os';
import type http from 'node:http';
import { Lifecycle, type Logger } from '@mutiroes/platform';
import {
  ConsulRegistry,
  createPostgres,
  createRedis,
  registerLifecycle,
  type PostgresClients,
  type Registration,
} from '@mutiroes/registry';
import type { WorkerConfig } from './config.js';
import { JOB_NAMES, isJobName, type JobName } from '@mutiroes/contracts';
import type { JobDeps } from './domain/job-context.js';
import { DeadLetterRepository } from './data-access/dead-letter.repository.js';
import { EmailDeliveryRepository } from './data-access/email-delivery.repository.js';
import { EventRepository } from './data-access/event.repository.js';
import { ImpactRepository } from './data-access/impact.repository.js';
import { JobDatabase } from './data-access/job-database.js';
import { JobStore } from './data-access/job-store.js';
import { MeshStateRepository } from './data-access/mesh-state.repository.js';
import { QueueTelemetryRepository, type WorkerHeartbeat } from './data-access/queue-telemetry.repository.js';
import { SmtpMailer, type Mailer } from './data-access/smtp-mailer.js';
import { UserRepository } from './data-access/user.repository.js';
import { UserStatisticsRepository } from './data-access/user-statistics.repository.js';
import { jobHandlers } from './entry-points/jobs/job-handlers.js';
import { QUEUE_PREFIX, QueueRunner } from './entry-points/jobs/queue-runner.js';
import { buildStatusApp, startStatusServer, stopStatusServer } from './entry-points/http/status-server.js';
import { WorkerMetrics } from './entry-points/http/worker-metrics.js';

export interface WorkerHandle {
  instanceId: string;
  port: number;
  runner: QueueRunner;
  lifecycle: Lifecycle;
  /** Ordered shutdown (deregister → drain → close). */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  /** Replaces the SMTP mailer (unit tests only; integration tests use the mesh's SMTP sink). */
  mailer?: Mailer;
  /** Skip Consul registration (in-process tests that do not want to be routed to). */
  register?: boolean;
}

export async function startWorker(
  config: WorkerConfig,
  log: Logger,
  opts: StartWorkerOptions = {},
): Promise<WorkerHandle> {
  const lifecycle = new Lifecycle(log, config.DRAIN_TIMEOUT_MS + config.SHUTDOWN_GRACE_MS + 10_000);
  const registry = new ConsulRegistry({
    consulAddr: config.CONSUL_HTTP_ADDR,
    token: config.CONSUL_HTTP_TOKEN,
    logger: log,
  });
  let pg: PostgresClients | undefined;
  let server: http.Server | undefined;
  let accepting = true;
  try {
    // Blocking BRPOPLPUSH must not be cut off by a per-request retry limit during a failover.
    const redis = await createRedis({
      registry,
      masterName: config.REDIS_SENTINEL_MASTER,
      password: config.REDIS_PASSWORD,
      logger: log,
      redisOptions: { maxRetriesPerRequest: null },
    });
    pg = await createPostgres({
      registry,
      database: config.DB_NAME,
      username: config.DB_USER,
      password: config.DB_PASSWORD ?? '',
      logger: log,
    });
    const db = new JobDatabase(pg.sequelize);
    const telemetry = new QueueTelemetryRepository(redis);
    // Reads of the status page and the health check fail fast during a failover instead of waiting for it
    // (the job connections above wait: a blocked BRPOPLPUSH must survive the failover).
    const statusRedis = redis.duplicate({ maxRetriesPerRequest: 1, commandTimeout: 2000 });
    const statusTelemetry = new QueueTelemetryRepository(statusRedis);
    const queueNames: JobName[] = config.WORKER_QUEUES
      ? config.WORKER_QUEUES.split(',')
          .map((s) => s.trim())
          .filter(isJobName)
      : JOB_NAMES;

    const deps: JobDeps = {
      db,
      mailer:
        opts.mailer ??
        new SmtpMailer({ host: config.SMTP_HOST, port: config.SMTP_PORT, from: config.MAIL_FROM }),
      deliveries: new EmailDeliveryRepository(db),
      users: new UserRepository(db),
      events: new EventRepository(db),
      impact: new ImpactRepository(db),
      userStats: new UserStatisticsRepository(),
      publicUrl: config.GATEWAY_URL.replace(/\/+$/, ''),
      instanceId: 'pending',
    };
    // The metrics need the runner's live count and the runner reports into the metrics: a late-bound reference.
    const live: { runner?: QueueRunner } = {};
    const metrics = new WorkerMetrics(
      { service: config.SERVICE_NAME },
      () => statusTelemetry.counts(QUEUE_PREFIX, queueNames),
      () => live.runner?.activeJobs().length ?? 0,
    );

    // The status server listens first: the instance id derives from the port when the launcher gave none.
    const health = async () => {
      const checks: Record<string, string> = {};
      await Promise.all([
        statusRedis.ping().then(
          () => {
            checks['redis'] = 'ok';
          },
          (e: Error) => {
            checks['redis'] = `error: ${e.message}`;
          },
        ),
        db.select({ deadline: Date.now() + 2000 }, 'SELECT 1 AS ok').then(
          () => {
            checks['database'] = 'ok';
          },
          (e: Error) => {
            checks['database'] = `error: ${e.message}`;
          },
        ),
      ]);
      return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
    };
    const queues = new Map();
    const jobStore = new JobStore(statusRedis, QUEUE_PREFIX, queues, statusTelemetry);
    const adminUsers = new UserRepository(db);
    const app = buildStatusApp({
      jwtSecret: config.JWT_SECRET,
      admins: { adminState: (id) => adminUsers.adminState(id, { deadline: Date.now() + 3000 }) },
      queuePrefix: QUEUE_PREFIX,
      queueNames,
      telemetry: statusTelemetry,
      jobs: jobStore,
      mesh: new MeshStateRepository(statusRedis, db, config.REDIS_SENTINEL_MASTER),
      metrics,
      health,
      ready: () => accepting,
      log,
    });
    const started = await startStatusServer(app, config.HOST, config.PORT);
    server = started.server;
    const instanceId = config.INSTANCE_ID ?? `${config.SERVICE_NAME}-${config.HOST}-${started.port}`;
    deps.instanceId = instanceId;
    const ilog = log.child({ instance: instanceId });

    const runner = new QueueRunner({
      redis,
      instanceId,
      queues: queueNames,
      handlers: jobHandlers,
      deps,
      telemetry,
      deadLetters: new DeadLetterRepository(db),
      metrics,
      log: ilog,
      concurrency: config.WORKER_CONCURRENCY,
      stallIntervalMs: config.STALL_INTERVAL_MS,
      maxStalls: config.MAX_STALLS,
      failedKeep: config.FAILED_KEEP,
      succeededKeep: config.SUCCEEDED_KEEP,
    });
    live.runner = runner;
    await runner.start();
    for (const [k, v] of runner.queues) queues.set(k, v);

    const startedAt = new Date().toISOString();
    const beat = async () => {
      const hb: WorkerHeartbeat = {
        instance: instanceId,
        host: os.hostname(),
        pid: process.pid,
        port: started.port,
        queues: queueNames,
        concurrency: config.WORKER_CONCURRENCY,
        active_jobs: runner.activeJobs(),
        started_at: startedAt,
        beat_at: new Date().toISOString(),
        ttl_ms: config.HEARTBEAT_MS * 3,
        processed: runner.processed,
        failed: runner.failed,
      };
      await telemetry.heartbeat(hb).catch((e: Error) => ilog.warn('heartbeat failed', { error: e.message }));
    };
    await beat();
    const hbTimer = setInterval(() => void beat(), config.HEARTBEAT_MS);
    hbTimer.unref();

    let registration: Registration | undefined;
    if (opts.register !== false) {
      registration = await registry.register({
        name: config.SERVICE_NAME,
        id: instanceId,
        address: config.HOST,
        port: started.port,
        tags: ['worker'],
        meta: {
          route: '/queues',
          queues: queueNames.join(','),
          concurrency: String(config.WORKER_CONCURRENCY),
        },
        check: {
          http: `http://${config.HOST}:${started.port}/health`,
          interval: '2s',
          timeout: '1s',
          deregisterCriticalServiceAfter: '1m',
        },
      });
      registerLifecycle(lifecycle, registration, { graceMs: config.SHUTDOWN_GRACE_MS });
    }
    lifecycle.onShutdown('worker: stop accepting', 80, () => {
      accepting = false;
    });
    lifecycle.onShutdown('worker: drain in-flight jobs', 50, async () => {
      clearInterval(hbTimer);
      await runner.close(config.DRAIN_TIMEOUT_MS);
      await telemetry.removeHeartbeat(instanceId).catch(() => undefined);
    });
    lifecycle.onShutdown('worker: close status server', 40, () => stopStatusServer(server!));
    lifecycle.onShutdown('worker: close connections', 10, async () => {
      await registry.close();
      await pg!.close();
      statusRedis.disconnect();
      redis.disconnect();
    });
    ilog.info('worker started', {
      port: started.port,
      queues: queueNames,
      concurrency: config.WORKER_CONCURRENCY,
    });
    return { instanceId, port: started.port, runner, lifecycle, stop: () => lifecycle.shutdown() };
  } catch (e) {
    if (server) await stopStatusServer(server).catch(() => undefined);
    await pg?.close().catch(() => undefined);
    await registry.close().catch(() => undefined);
    throw e;
  }
}

// Boot and shutdown of one beat: connections → Consul (TTL check) → leader lock + scheduling loop.
import { randomBytes } from 'node:crypto';
import { Lifecycle, type Logger } from '@mutiroes/platform';
import {
  ConsulRegistry,
  createPostgres,
  createRedis,
  registerLifecycle,
  type PostgresClients,
} from '@mutiroes/registry';
import type { BeatConfig } from './config.js';
import { buildSchedules } from './domain/schedule-catalog.js';
import { JobProducer } from './data-access/job-producer.js';
import { TickRepository } from './data-access/tick.repository.js';
import { Scheduler } from './entry-points/scheduler.js';
import { startHealthServer } from './entry-points/health-server.js';

export interface BeatHandle {
  instanceId: string;
  scheduler: Scheduler;
  lifecycle: Lifecycle;
  stop(): Promise<void>;
}

export async function startBeat(
  config: BeatConfig,
  log: Logger,
  opts: { register?: boolean } = {},
): Promise<BeatHandle> {
  const instanceId = config.INSTANCE_ID ?? `${config.SERVICE_NAME}-${randomBytes(3).toString('hex')}`;
  const ilog = log.child({ instance: instanceId });
  const lifecycle = new Lifecycle(ilog, 15_000);
  const registry = new ConsulRegistry({
    consulAddr: config.CONSUL_HTTP_ADDR,
    token: config.CONSUL_HTTP_TOKEN,
    logger: ilog,
  });
  let pg: PostgresClients | undefined;
  try {
    const redis = await createRedis({
      registry,
      masterName: config.REDIS_SENTINEL_MASTER,
      password: config.REDIS_PASSWORD,
      logger: ilog,
    });
    pg = await createPostgres({
      registry,
      database: config.DB_NAME,
      username: config.DB_USER,
      password: config.DB_PASSWORD ?? '',
      logger: ilog,
    });
    const producer = new JobProducer(redis, (q, e) =>
      ilog.debug('producer queue error', { queue: q, error: e.message }),
    );
    const schedules = buildSchedules({
      domainSchedules: config.BEAT_DOMAIN_SCHEDULES,
      catchUpDays: config.BEAT_CATCHUP_DAYS,
      testPattern: config.BEAT_TEST_SCHEDULE,
      testName: config.BEAT_TEST_SCHEDULE_NAME,
      testCatchUpS: config.BEAT_TEST_CATCHUP_S,
      reminderPattern: config.BEAT_REMINDER_SCHEDULE,
    });
    const lock = registry.leaderLock(config.BEAT_LEADER_KEY, {
      ttl: config.BEAT_LEADER_TTL,
      lockDelay: config.BEAT_LOCK_DELAY,
      holder: instanceId,
    });
    const scheduler = new Scheduler({
      lock,
      redis,
      schedules,
      timezone: config.BEAT_TIMEZONE,
      maxSleepMs: config.BEAT_MAX_SLEEP_MS,
      heartbeatMs: config.HEARTBEAT_MS,
      log: ilog,
      deps: { ticks: new TickRepository(pg.sequelize), producer, log: ilog, instanceId },
    });
    const health = await startHealthServer(config.HOST, config.PORT, () => ({
      instance: instanceId,
      is_leader: scheduler.isLeader,
      fired: scheduler.firedCount,
    }));
    lifecycle.onShutdown(
      'beat: close health server',
      40,
      () => new Promise<void>((r) => health.server.close(() => r())),
    );
    if (opts.register !== false) {
      const registration = await registry.register({
        name: config.SERVICE_NAME,
        id: instanceId,
        address: config.HOST,
        port: health.port,
        tags: ['beat'],
        meta: { leader_key: config.BEAT_LEADER_KEY, schedules: schedules.map((s) => s.name).join(',') },
        check: { ttl: '10s', deregisterCriticalServiceAfter: '1m' },
      });
      registerLifecycle(lifecycle, registration, { graceMs: 0 });
    }
    scheduler.start();
    lifecycle.onShutdown('beat: stop scheduling and release leadership', 80, () => scheduler.stop());
    lifecycle.onShutdown('beat: close connections', 10, async () => {
      await producer.close();
      await registry.close();
      await pg!.close();
      redis.disconnect();
    });
    ilog.info('beat started', {
      schedules: schedules.map((s) => `${s.name} ${s.pattern}`),
      timezone: config.BEAT_TIMEZONE,
    });
    return { instanceId, scheduler, lifecycle, stop: () => lifecycle.shutdown() };
  } catch (e) {
    await pg?.close().catch(() => undefined);
    await registry.close().catch(() => undefined);
    throw e;
  }
}

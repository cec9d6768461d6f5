// With Redis down (master and replica stopped), a registration still succeeds; its welcome-e-mail job
// waits in the outbox and reaches the bee-queue queue, once, when Redis is back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { waitFor } from '@mutiroes/platform';
import {
  connectTestMesh,
  registrationBody,
  startApi,
  STRONG_PASSWORD,
  type ApiHarness,
  type MeshControl,
} from '../http/test-support/api-harness.js';

let h: ApiHarness;
let mesh: MeshControl;
const stopped: string[] = [];

before(async () => {
  mesh = await connectTestMesh();
  h = await startApi();
});
after(async () => {
  for (const name of stopped) await mesh.start(name).catch(() => undefined);
  if (stopped.length) await mesh.waitHealthy({ timeoutMs: 120_000 });
  await h?.close();
});

describe('outbox relay', () => {
  test('when Redis is up then a registration job is in its bee-queue queue within a second, with jobId outbox:<id>', async () => {
    const username = h.unique('relay');
    const r = await h.call('POST', '/api/users/register/', {
      body: registrationBody(username),
    });
    assert.equal(r.status, 201, r.text);
    const [row] = await h.sql<{ id: string }>(
      "SELECT id FROM outbox WHERE job_name = 'send_welcome_email' AND (data->>'user_id')::int = $1",
      [r.body.id],
    );
    await waitFor(
      async () =>
        (await h.sql<{ e: Date | null }>('SELECT enqueued_at AS e FROM outbox WHERE id = $1', [row!.id]))[0]
          ?.e,
      {
        timeoutMs: 1_000,
        intervalMs: 20,
        description: 'outbox row enqueued',
      },
    );
  });

  test('when both Redis servers are down then registration still succeeds and the job is enqueued exactly once after they return', async () => {
    const status = await mesh.status();
    const redisNames = status.filter((c) => c.kind === 'redis').map((c) => c.name);
    assert.deepEqual(redisNames.sort(), ['redis-1', 'redis-2']);
    for (const name of redisNames) {
      await mesh.stop(name);
      stopped.push(name);
    }
    await waitFor(() => h.api.redis.status !== 'ready', {
      timeoutMs: 10_000,
      description: 'API sees Redis down',
    });

    const health = await h.call('GET', '/health/');
    assert.equal(health.status, 200, 'Redis down degrades, it does not take the API out of Consul');
    assert.equal(health.body.status, 'degraded');
    assert.match(health.body.checks.redis, /unhealthy/);

    const username = h.unique('noredis');
    const started = Date.now();
    const r = await h.call('POST', '/api/users/register/', {
      body: registrationBody(username),
      headers: { 'x-request-id': `noredis-${username}` },
    });
    const tookMs = Date.now() - started;
    assert.equal(r.status, 201, r.text);
    assert.ok(tookMs < 3_000, `registration took ${tookMs} ms with Redis down`);
    const login = await h.call('POST', '/api/token/', { body: { username, password: STRONG_PASSWORD } });
    assert.equal(login.status, 200, 'login works without Redis too');

    const [row] = await h.sql<{ id: string }>(
      "SELECT id FROM outbox WHERE job_name = 'send_welcome_email' AND (data->>'user_id')::int = $1",
      [r.body.id],
    );
    assert.ok(row);
    // A job for a queue this instance never used before: its bee-queue Queue is born while Redis is down.
    const probeQueue = `api_test_probe_${process.pid}`;
    // Deliberately off the job contract (a queue no worker consumes): the typed enqueue is widened here.
    const enqueueAny = h.api.deps.outbox.enqueue as (
      tx: unknown,
      name: string,
      data: object,
    ) => Promise<number>;
    const probeId = await h.api.deps.db.sequelize.transaction((tx) =>
      enqueueAny(tx, probeQueue, { probe: true }),
    );
    // The relay tries and fails: the row stays pending, the failure recorded.
    await waitFor(
      async () =>
        (await h.sql<{ a: number }>('SELECT attempts AS a FROM outbox WHERE id = $1', [row.id]))[0]!.a >= 1,
      {
        timeoutMs: 15_000,
        description: 'a failed relay attempt',
      },
    );
    const [pending] = await h.sql<{ enqueued_at: Date | null; last_error: string | null }>(
      'SELECT enqueued_at, last_error FROM outbox WHERE id = $1',
      [row.id],
    );
    assert.equal(pending!.enqueued_at, null);
    assert.ok(pending!.last_error);

    for (const name of [...stopped]) await mesh.start(name);
    stopped.length = 0;
    await mesh.waitHealthy({ timeoutMs: 120_000 });
    await waitFor(
      async () =>
        (await h.sql<{ e: Date | null }>('SELECT enqueued_at AS e FROM outbox WHERE id = $1', [row.id]))[0]
          ?.e,
      {
        timeoutMs: 30_000,
        description: 'outbox row enqueued after Redis returned',
      },
    );

    const master = await mesh.redisMaster();
    const redis = new Redis({
      host: '127.0.0.1',
      port: master.port,
      password: mesh.env['REDIS_PASSWORD'],
      lazyConnect: true,
    });
    try {
      await redis.connect();
      const jobId = `outbox:${row.id}`;
      const raw = await redis.hget('bq:send_welcome_email:jobs', jobId);
      const succeeded = await redis.sismember('bq:send_welcome_email:succeeded', jobId);
      assert.ok(
        raw !== null || succeeded === 1,
        `job ${jobId} is in the queue (or already processed by a worker)`,
      );
      if (raw !== null) {
        const job = JSON.parse(raw) as { data: Record<string, unknown> };
        assert.equal(job.data['user_id'], r.body.id);
        assert.equal(job.data['request_id'], `noredis-${username}`);
      }
      const waiting = await redis.lrange('bq:send_welcome_email:waiting', 0, -1);
      assert.ok(waiting.filter((id) => id === jobId).length <= 1, 'enqueued at most once');

      await waitFor(async () => (await redis.hget(`bq:${probeQueue}:jobs`, `outbox:${probeId}`)) !== null, {
        timeoutMs: 30_000,
        description: 'the job of the queue created during the outage',
      });
      assert.ok(
        h.api.redis.listenerCount('error') < 10,
        'queues rebuilt during the outage left no listeners behind',
      );
      const keys = await redis.keys(`bq:${probeQueue}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  test('when an instance boots while Redis is down then it serves, and relays and receives invalidations once Redis is back', async () => {
    for (const name of ['redis-1', 'redis-2']) {
      await mesh.stop(name);
      stopped.push(name);
    }
    const booting = Date.now();
    const late = await startApi();
    try {
      assert.ok(Date.now() - booting < 20_000, 'boot does not wait for Redis');
      const username = late.unique('bootnoredis');
      const r = await late.call('POST', '/api/users/register/', {
        body: registrationBody(username),
      });
      assert.equal(r.status, 201, r.text);
      for (const name of [...stopped]) await mesh.start(name);
      stopped.length = 0;
      await mesh.waitHealthy({ timeoutMs: 120_000 });
      await waitFor(
        async () =>
          (
            await late.sql<{ e: Date | null }>(
              "SELECT enqueued_at AS e FROM outbox WHERE job_name = 'send_welcome_email' AND (data->>'user_id')::int = $1",
              [r.body.id],
            )
          )[0]?.e,
        { timeoutMs: 30_000, description: 'the welcome job of the instance that booted without Redis' },
      );
      assert.equal(late.api.redis.status, 'ready');
      // Its subscriptions came up late but came up: an invalidation from another instance reaches it.
      const key = `users:badges:late-${process.pid}`;
      await late.api.deps.cache.getOrLoad(key, async () => 'old');
      await waitFor(
        async () => {
          await h.api.deps.cache.invalidate('users:badges');
          return (await late.api.deps.cache.getOrLoad(key, async () => 'new')) === 'new';
        },
        { timeoutMs: 10_000, intervalMs: 200, description: 'invalidation received by the late instance' },
      );
    } finally {
      await late.close();
    }
  });
});

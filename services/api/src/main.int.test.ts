// Boot and shutdown of real instances: Consul registration/deregistration, and what instances share
// through Redis pub/sub (cache invalidation, read-your-writes marks).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@mutiroes/platform';
import { startWebServer, stopWebServer } from './main.js';

const env = process.env;
const run = `${process.pid}-${Date.now().toString(36)}`;

async function consulInstances(): Promise<
  Array<{ Service: { ID: string; Meta: Record<string, string>; Port: number } }>
> {
  const addr = env['CONSUL_HTTP_ADDR']!.split(',')[0]!;
  const res = await fetch(`http://${addr}/v1/health/service/api?passing=true`, {
    headers: { 'x-consul-token': env['CONSUL_HTTP_TOKEN'] ?? '' },
  });
  return (await res.json()) as Array<{ Service: { ID: string; Meta: Record<string, string>; Port: number } }>;
}

after(async () => {
  await stopWebServer();
});

describe('registration in Consul', () => {
  test('when an instance starts with registration then it is a passing `api` with route meta; when it stops it is gone', async () => {
    const id = `api-regtest-${run}`;
    const api = await startWebServer({
      env: { ...env, PORT: '0', INSTANCE_ID: id, LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '100' },
      register: true,
    });
    const entry = await waitFor(async () => (await consulInstances()).find((e) => e.Service.ID === id), {
      timeoutMs: 15_000,
      intervalMs: 200,
      description: `${id} passing in Consul`,
    });
    assert.equal(entry.Service.Port, api.port);
    assert.equal(entry.Service.Meta['route'], '/api');
    assert.ok(entry.Service.Meta['routes']!.split(',').includes('/media'));
    await api.stop();
    assert.equal(
      (await consulInstances()).find((e) => e.Service.ID === id),
      undefined,
    );
    await assert.rejects(fetch(`${api.url}/liveness/`), 'listener closed');
  });
});

describe('graceful shutdown', () => {
  test('when shutdown starts then health and readiness answer 503 (draining) while the listener still serves, then it closes', async () => {
    const api = await startWebServer({
      env: { ...env, PORT: '0', INSTANCE_ID: `api-drain-${run}`, LOG_LEVEL: 'warn' },
    });
    assert.equal((await fetch(`${api.url}/readiness/`)).status, 200);
    const seen: Record<string, unknown> = {};
    // Runs after "mark not ready" (100) and before "stop accepting" (80).
    api.lifecycle.onShutdown('test probe', 85, async () => {
      const health = await fetch(`${api.url}/health/`);
      seen['health'] = health.status;
      seen['checks'] = ((await health.json()) as { checks: Record<string, string> }).checks;
      seen['readiness'] = (await fetch(`${api.url}/readiness/`)).status;
      seen['liveness'] = (await fetch(`${api.url}/liveness/`)).status;
      const res = await fetch(`${api.url}/api/users/badges/`);
      seen['api'] = res.status;
      seen['connection'] = res.headers.get('connection');
    });
    await api.stop();
    assert.equal(seen['health'], 503);
    assert.equal((seen['checks'] as Record<string, string>)['instance'], 'draining');
    assert.equal(seen['readiness'], 503);
    assert.equal(seen['liveness'], 200);
    assert.equal(seen['api'], 200, 'requests still routed here are served during the grace period');
    assert.equal(seen['connection'], 'close');
    await assert.rejects(fetch(`${api.url}/liveness/`));
  });
});

describe('instances share invalidations and read-your-writes marks through Redis', () => {
  test('when instance A invalidates a key then instance B drops it; when A marks a write then B reads that user from the primary', async () => {
    const a = await startWebServer({
      env: { ...env, PORT: '0', INSTANCE_ID: `api-a-${run}`, LOG_LEVEL: 'warn' },
    });
    const b = await startWebServer({
      env: { ...env, PORT: '0', INSTANCE_ID: `api-b-${run}`, LOG_LEVEL: 'warn' },
    });
    try {
      await waitFor(() => a.redis.status === 'ready' && b.redis.status === 'ready', { timeoutMs: 10_000 });
      const key = `users:badges:test-${run}`;
      assert.equal(await b.deps.cache.getOrLoad(key, async () => 'old'), 'old');
      assert.equal(await b.deps.cache.getOrLoad(key, async () => 'new'), 'old', 'cached in B');
      // The subscriber may still be connecting right after boot: retry the invalidation until B sees it.
      await waitFor(
        async () => {
          await a.deps.cache.invalidate('users:badges');
          return (await b.deps.cache.getOrLoad(key, async () => 'new')) === 'new';
        },
        { timeoutMs: 5_000, intervalMs: 100, description: 'B dropped the key A invalidated' },
      );

      const userId = 900_000_000 + (process.pid % 1000);
      assert.notEqual(b.deps.db.reader, b.deps.db.sequelize, 'a replica reader exists');
      assert.equal(b.deps.db.readerFor(userId), b.deps.db.reader);
      a.deps.db.markWrite(userId);
      assert.equal(a.deps.db.readerFor(userId), a.deps.db.sequelize);
      await waitFor(() => b.deps.db.readerFor(userId) === b.deps.db.sequelize, {
        timeoutMs: 2_000,
        intervalMs: 10,
        description: 'B saw the mark',
      });
      assert.equal(
        b.deps.db.readerFor(userId + 1),
        b.deps.db.reader,
        'other users still read from the replica',
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

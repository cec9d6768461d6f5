import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@mutiroes/platform';
import { createHotCache } from './hot-cache.js';

const log = createLogger({ service: 'test', level: 'error' });

describe('hot cache (single instance, no Redis)', () => {
  test('when loaded concurrently then the loader runs once and later reads hit', async () => {
    const cache = createHotCache({ log });
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { n: 1 };
    };
    const [a, b] = await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    assert.equal(calls, 1);
    assert.equal(a, b);
    await cache.getOrLoad('k', load);
    assert.equal(calls, 1);
    await cache.close();
  });

  test('when a key is invalidated then it and its `key:` children are dropped, siblings kept', async () => {
    const cache = createHotCache({ log });
    await cache.getOrLoad('events:list:page:1', async () => 'p1');
    await cache.getOrLoad('events:listing', async () => 'other');
    await cache.invalidate('events:list');
    assert.equal(await cache.getOrLoad('events:list:page:1', async () => 'fresh'), 'fresh');
    assert.equal(await cache.getOrLoad('events:listing', async () => 'fresh'), 'other');
    await cache.close();
  });

  test('when a load fails then nothing is cached and the next call retries', async () => {
    const cache = createHotCache({ log });
    await assert.rejects(cache.getOrLoad('x', async () => Promise.reject(new Error('db down'))));
    assert.equal(await cache.getOrLoad('x', async () => 'ok'), 'ok');
    await cache.close();
  });

  test('when a caller asks for a TTL above the bound then the bound wins (staleness ≤ 1 s here)', async () => {
    const cache = createHotCache({ log, ttlS: 1 });
    await cache.getOrLoad('t', async () => 'old', 60);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal(await cache.getOrLoad('t', async () => 'new'), 'new');
    await cache.close();
  });

  test('when invalidated while a load is in flight then the stale result is not stored', async () => {
    const cache = createHotCache({ log });
    let release!: () => void;
    const slow = cache.getOrLoad('r', () => new Promise<string>((r) => (release = () => r('stale'))));
    await cache.invalidate('r');
    release();
    assert.equal(await slow, 'stale');
    assert.equal(await cache.getOrLoad('r', async () => 'fresh'), 'fresh');
    await cache.close();
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedTtlCache } from './bounded-ttl-cache.js';

describe('bounded TTL cache', () => {
  test('when more keys than the limit are set then the least recently used are evicted and the size stays bounded', () => {
    const c = new BoundedTtlCache(3);
    c.set('a', 1, 60_000);
    c.set('b', 2, 60_000);
    c.set('c', 3, 60_000);
    assert.equal(c.get('a'), 1); // a is now the most recent
    c.set('d', 4, 60_000);
    assert.equal(c.get('b'), undefined, 'b was the least recently used');
    assert.equal(c.get('a'), 1);
    for (let i = 0; i < 10_000; i++) c.set(`events:list:${i}`, i, 60_000);
    assert.equal(c.size, 3);
    assert.ok(c.evictions >= 10_000);
  });

  test('when an entry outlives its TTL then it is gone', () => {
    const c = new BoundedTtlCache(10);
    c.set('k', 'v', 1000, 0);
    assert.equal(c.get('k', 999), 'v');
    assert.equal(c.get('k', 1000), undefined);
    assert.equal(c.size, 0);
  });

  test('when a key is dropped with its tree then its `key:` children go, siblings and look-alikes stay', () => {
    const c = new BoundedTtlCache(100);
    c.set('events:list', 0, 60_000);
    c.set('events:list:page:1', 1, 60_000);
    c.set('events:list:page:2', 2, 60_000);
    c.set('events:listing', 3, 60_000);
    c.set('users:auth:1', 4, 60_000);
    c.deleteTree('events:list');
    assert.deepEqual(
      ['events:list', 'events:list:page:1', 'events:list:page:2', 'events:listing', 'users:auth:1'].map((k) =>
        c.get(k),
      ),
      [undefined, undefined, undefined, 3, 4],
    );
    c.deleteTree('users');
    assert.equal(c.get('users:auth:1'), undefined);
    assert.equal(c.size, 1);
  });
});

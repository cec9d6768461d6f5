import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteTable, declaredPrefixes, normalizePrefix } from './route-table.js';
import type { CatalogInstance } from './catalog.js';

const inst = (service: string, id: string, meta: Record<string, string>): CatalogInstance => ({
  id,
  service,
  address: '127.0.0.1',
  port: 1,
  tags: [],
  meta,
});

describe('route table', () => {
  test('when meta has route and routes then all prefixes are declared, normalised and deduplicated', () => {
    assert.deepEqual(declaredPrefixes({ route: '/api', routes: 'health/, /api ,/media/' }), [
      '/api',
      '/health',
      '/media',
    ]);
    assert.deepEqual(declaredPrefixes({}), []);
    assert.equal(normalizePrefix('/a b'), undefined);
  });

  test('when services declare prefixes then the longest segment-aligned prefix wins', () => {
    const t = RouteTable.fromCatalog(
      new Map([
        ['api', [inst('api', 'api-1', { route: '/api', routes: '/health' })]],
        ['worker', [inst('worker', 'worker-1', { route: '/queues' })]],
        ['media', [inst('media', 'm-1', { route: '/api/media' })]],
        ['beat', [inst('beat', 'b-1', {})]],
      ]),
      ['api', 'worker', 'media', 'beat'],
    );
    assert.equal(t.match('/api/events/1')?.service, 'api');
    assert.equal(t.match('/api')?.service, 'api');
    assert.equal(t.match('/api?x=1')?.service, 'api');
    assert.equal(t.match('/api/media/x.png')?.service, 'media');
    assert.equal(t.match('/apix'), undefined);
    assert.equal(t.match('/queues/')?.service, 'worker');
    assert.equal(t.match('/health/')?.service, 'api');
    assert.equal(t.match('/other'), undefined);
    assert.equal(t.routes.length, 4);
  });

  test('when two services claim one prefix then the majority wins and the conflict is reported', () => {
    const t = RouteTable.fromCatalog(
      new Map([
        ['a', [inst('a', 'a-1', { route: '/x' })]],
        ['b', [inst('b', 'b-1', { route: '/x' }), inst('b', 'b-2', { route: '/x' })]],
      ]),
      ['a', 'b'],
    );
    assert.equal(t.match('/x/1')?.service, 'b');
    assert.deepEqual(
      t.conflicts.map((c) => [c.prefix, c.services]),
      [['/x', ['b', 'a']]],
    );
  });

  test('when a service off the allow-list registers route=/api/token then it gets no route, even with more instances', () => {
    const evil = [1, 2, 3].map((i) => inst('evil', `evil-${i}`, { route: '/api/token' }));
    const t = RouteTable.fromCatalog(
      new Map([
        ['api', [inst('api', 'api-1', { route: '/api' })]],
        ['evil', evil],
        ['redis-sentinel', [inst('redis-sentinel', 's-1', { route: '/' })]],
      ]),
    );
    assert.equal(t.match('/api/token/')?.service, 'api');
    assert.equal(t.match('/anything'), undefined);
    assert.deepEqual(
      t.routes.map((r) => r.service),
      ['api'],
    );
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingState, type ServiceBreaker, type UpstreamFactory } from './routing-state.js';
import type { CatalogInstance } from './catalog.js';
import type { Upstream } from './upstream.js';

const breaker: ServiceBreaker = {
  opened: false,
  halfOpen: false,
  pendingClose: false,
  fire: async () => undefined,
};
function factory() {
  const attached: string[] = [];
  const disposed: string[] = [];
  const f: UpstreamFactory = {
    attach: (u: Upstream) => void attached.push(u.id),
    dispose: (u: Upstream) => void disposed.push(u.id),
    serviceBreaker: () => breaker,
    disposeService: () => {},
  };
  return { f, attached, disposed };
}
const inst = (
  service: string,
  id: string,
  port: number,
  meta: Record<string, string> = {},
): CatalogInstance => ({
  id,
  service,
  address: '127.0.0.1',
  port,
  tags: [],
  meta,
});

describe('routing state', () => {
  test('when snapshots change then upstreams keep their state, removed ones are disposed, unrouted services get nothing', () => {
    const { f, attached, disposed } = factory();
    const s = new RoutingState(f);
    s.apply(
      new Map([
        ['api', [inst('api', 'a1', 1, { route: '/api' }), inst('api', 'a2', 2, { route: '/api' })]],
        ['pgha', [inst('pgha', 'pg-1', 5)]],
      ]),
    );
    assert.deepEqual(attached, ['a1', 'a2']);
    const a1 = s.pools.get('api')!.upstreams[0]!;
    a1.outstanding = 7;
    s.apply(
      new Map([['api', [inst('api', 'a1', 1, { route: '/api' }), inst('api', 'a3', 3, { route: '/api' })]]]),
    );
    assert.equal(s.pools.get('api')!.upstreams[0], a1, 'same object, state kept');
    assert.equal(a1.outstanding, 7);
    assert.deepEqual(disposed, ['a2']);
    assert.deepEqual(
      s.pools.get('api')!.upstreams.map((u) => u.id),
      ['a1', 'a3'],
    );
    assert.equal(s.pools.has('pgha'), false);
  });

  test('when a service off the allow-list declares a route then it gets neither transport nor route', () => {
    const { f, attached } = factory();
    const s = new RoutingState(f, ['api']);
    s.apply(
      new Map([
        ['api', [inst('api', 'a1', 1, { route: '/api' })]],
        ['evil', [inst('evil', 'e1', 9, { route: '/api/token' })]],
      ]),
    );
    assert.deepEqual(attached, ['a1']);
    assert.equal(s.pools.has('evil'), false);
    assert.equal(s.table.match('/api/token/')?.service, 'api');
  });

  test('when a routed service loses every instance then its route stays (503) instead of disappearing (404)', () => {
    const { f } = factory();
    const s = new RoutingState(f);
    s.apply(new Map([['worker', [inst('worker', 'w1', 1, { route: '/queues' })]]]));
    s.apply(new Map());
    assert.equal(s.table.match('/queues/x')?.service, 'worker');
    assert.deepEqual(s.pools.get('worker')!.upstreams, []);
    assert.equal(s.loaded, true);
  });
});

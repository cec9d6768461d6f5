import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Instance } from '../types.js';
import { decidePanic, isExplicitlyOut, type PanicInput } from './panic-mode.js';

const inst = (id: string, port = 9000): Instance => ({
  id,
  service: 'web',
  address: '127.0.0.1',
  port,
  tags: [],
  meta: {},
  node: 'n1',
});
const byId = (...list: Instance[]) => new Map(list.map((i) => [i.id, i]));
const ids = (list: readonly Instance[]) => list.map((i) => i.id);

const base: PanicInput = {
  passing: [],
  registered: new Map(),
  served: [],
  panicSince: null,
  now: 1_000,
  windowMs: 30_000,
};

describe('decidePanic', () => {
  test('when instances pass then they are served and panic mode is off', () => {
    const d = decidePanic({ ...base, passing: [inst('a')], registered: byId(inst('a')) });
    assert.deepEqual(ids(d.instances), ['a']);
    assert.equal(d.panicSince, null);
    assert.equal(d.transition, undefined);
  });

  test('when the passing set empties while the instances are still registered then the last set is served', () => {
    const d = decidePanic({
      ...base,
      served: [inst('a'), inst('b')],
      registered: byId(inst('a'), inst('b')),
    });
    assert.deepEqual(ids(d.instances), ['a', 'b']);
    assert.equal(d.panicSince, 1_000);
    assert.equal(d.transition, 'enter');
  });

  test('when only some served instances are still registered then only those are kept, with their current registration', () => {
    const d = decidePanic({
      ...base,
      served: [inst('a', 9001), inst('b')],
      registered: byId(inst('a', 9011), inst('c')),
    });
    assert.deepEqual(
      d.instances.map((i) => [i.id, i.port]),
      [['a', 9011]],
      'c never passed: not served; a re-registered on another port: its new port',
    );
  });

  test('when every served instance was deregistered then the set empties at once', () => {
    const d = decidePanic({ ...base, served: [inst('a')], registered: byId(inst('z')) });
    assert.deepEqual(d.instances, []);
    assert.equal(d.panicSince, null);
    assert.equal(d.transition, undefined);
  });

  test('when in panic mode and the instances get deregistered then the set empties at once', () => {
    const d = decidePanic({ ...base, served: [inst('a')], panicSince: 500, now: 2_000 });
    assert.deepEqual(d.instances, []);
    assert.equal(d.transition, 'deregistered');
  });

  test('when in panic mode within the window then the set is kept; past the window it empties', () => {
    const within = decidePanic({
      ...base,
      served: [inst('a')],
      registered: byId(inst('a')),
      panicSince: 1_000,
      now: 30_999,
    });
    assert.deepEqual(ids(within.instances), ['a']);
    assert.equal(within.transition, undefined);
    const past = decidePanic({
      ...base,
      served: [inst('a')],
      registered: byId(inst('a')),
      panicSince: 1_000,
      now: 31_000,
    });
    assert.deepEqual(past.instances, []);
    assert.equal(past.transition, 'expired');
    assert.equal(past.panicSince, null);
  });

  test('when in panic mode and instances pass again then panic mode ends as recovered', () => {
    const d = decidePanic({ ...base, passing: [inst('b')], served: [inst('a')], panicSince: 1 });
    assert.deepEqual(ids(d.instances), ['b']);
    assert.equal(d.transition, 'recovered');
  });

  test('when panic mode is disabled then an empty passing set is served', () => {
    const d = decidePanic({ ...base, served: [inst('a')], registered: byId(inst('a')), windowMs: 0 });
    assert.deepEqual(d.instances, []);
  });

  test('when nothing was served before then an empty answer stays empty (no panic)', () => {
    const d = decidePanic({ ...base, registered: byId(inst('a')) });
    assert.deepEqual(d.instances, []);
    assert.equal(d.panicSince, null);
  });

  test('when an answer is not authoritative (no leader, index backwards) then it never empties the set', () => {
    const d = decidePanic({ ...base, served: [inst('a')], authoritative: false });
    assert.deepEqual(ids(d.instances), ['a']);
    assert.equal(d.panicSince, null);
    const grow = decidePanic({
      ...base,
      passing: [inst('a'), inst('b')],
      served: [inst('a')],
      authoritative: false,
    });
    assert.deepEqual(ids(grow.instances), ['a', 'b'], 'news that adds instances is still taken');
  });
});

describe('isExplicitlyOut', () => {
  test('when a check is maintenance mode or the instance reported not ready then it is out on purpose', () => {
    assert.equal(isExplicitlyOut({ CheckID: '_service_maintenance:web-1', Status: 'critical' }), true);
    assert.equal(isExplicitlyOut({ CheckID: '_node_maintenance', Status: 'critical' }), true);
    assert.equal(
      isExplicitlyOut({ CheckID: 'service:web-1', Status: 'critical', Output: 'not ready' }),
      true,
    );
  });

  test('when a check is critical for another reason then it is not', () => {
    assert.equal(
      isExplicitlyOut({ CheckID: 'service:web-1', Status: 'critical', Output: 'TTL expired' }),
      false,
    );
    assert.equal(
      isExplicitlyOut({ CheckID: 'serfHealth', Status: 'critical', Output: 'Agent not live' }),
      false,
    );
    assert.equal(isExplicitlyOut({ CheckID: 'service:web-1', Status: 'critical', Output: '' }), false);
    assert.equal(isExplicitlyOut({ CheckID: '_service_maintenance:web-1', Status: 'passing' }), false);
  });
});

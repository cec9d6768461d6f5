import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceSelector, OutstandingTracker } from './instance-selector.js';
import type { Instance } from '../types.js';

const inst = (id: string): Instance => ({
  id,
  service: 'api',
  address: '127.0.0.1',
  port: 1,
  tags: [],
  meta: {},
  node: 'n',
});
const three = [inst('a'), inst('b'), inst('c')];

describe('OutstandingTracker', () => {
  test('when a request starts and finishes then the count goes up and back, done() being idempotent', () => {
    const t = new OutstandingTracker();
    const d1 = t.track(inst('a'));
    const d2 = t.track(inst('a'));
    assert.equal(t.outstanding('a'), 2);
    d1();
    d1();
    assert.equal(t.outstanding('a'), 1);
    d2();
    assert.equal(t.outstanding('a'), 0);
  });
});

describe('InstanceSelector', () => {
  test('when there are no instances then nothing is picked', () => {
    assert.equal(new InstanceSelector(new OutstandingTracker()).pick('api', []), undefined);
  });
  test('when round-robin then instances are cycled in order per service', () => {
    const s = new InstanceSelector(new OutstandingTracker());
    const picks = Array.from({ length: 6 }, () => s.pick('api', three, 'round-robin')!.id);
    assert.deepEqual(picks, ['a', 'b', 'c', 'a', 'b', 'c']);
    assert.equal(s.pick('worker', three, 'round-robin')!.id, 'a');
  });
  test('when p2c draws two candidates then the one with fewer requests in flight wins', () => {
    const t = new OutstandingTracker();
    t.track(inst('a'));
    t.track(inst('a'));
    // random → 0 picks index 0 (a) first, then index 0 of the rest (b).
    const s = new InstanceSelector(t, () => 0);
    assert.equal(s.pick('api', three)!.id, 'b');
  });
  test('when p2c draws then the two candidates are always distinct', () => {
    const seq = [0.99, 0.99];
    let k = 0;
    const t = new OutstandingTracker();
    t.track(inst('c'));
    const s = new InstanceSelector(t, () => seq[k++ % seq.length]!);
    // first draw: c (index 2); second draw of the remaining two: index 1 → shifted past c? no: b.
    assert.equal(s.pick('api', three)!.id, 'b');
  });
  test('when load is uneven then p2c sends most new requests to the least loaded instance', () => {
    const t = new OutstandingTracker();
    for (let i = 0; i < 10; i++) t.track(inst('a'));
    for (let i = 0; i < 5; i++) t.track(inst('b'));
    const s = new InstanceSelector(t);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) counts[s.pick('api', three)!.id]! += 1;
    assert.equal(counts['a'], 0, 'the most loaded instance is never chosen over another');
    assert.ok(counts['c']! > counts['b']!, `c (idle) preferred over b: ${JSON.stringify(counts)}`);
  });
});

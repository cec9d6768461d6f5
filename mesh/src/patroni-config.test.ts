import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dcsDrift } from './patroni-config.js';

describe('Patroni dynamic config drift', () => {
  test('when the cluster lacks or differs on a scalar setting then only that setting is in the drift', () => {
    const wanted = {
      ttl: 6,
      loop_wait: 1,
      synchronous_mode: true,
      failsafe_mode: true,
      postgresql: { use_slots: true },
    };
    const current = { ttl: 6, loop_wait: 2, synchronous_mode: true, postgresql: { use_slots: false } };
    assert.deepEqual(dcsDrift(wanted, current), { loop_wait: 1, failsafe_mode: true });
  });

  test('when the cluster already matches then there is nothing to change', () => {
    assert.deepEqual(
      dcsDrift({ ttl: 6, failsafe_mode: true }, { ttl: 6, failsafe_mode: true, extra: 1 }),
      {},
    );
  });
});

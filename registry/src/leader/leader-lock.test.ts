import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsulAgents } from '../consul/consul-agents.js';
import { LeaderLock } from './leader-lock.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const agents = new ConsulAgents('127.0.0.1:1');

describe('LeaderLock options', () => {
  test('when the lock-delay is 0 (or tiny) then construction fails with a clear message', () => {
    assert.throws(
      () => new LeaderLock(agents, 'k', testLogger('unit'), { lockDelay: '0s' }),
      /lockDelay must be at least 300ms/,
    );
  });
  test('when the ttl is below 1 s then construction fails', () => {
    assert.throws(
      () => new LeaderLock(agents, 'k', testLogger('unit'), { ttl: '500ms' }),
      /ttl must be at least 1s/,
    );
  });
  test('when not started then it is not leader and the key is normalised', () => {
    const lock = new LeaderLock(agents, '/mutiroes/beat/leader', testLogger('unit'), { holder: 'beat-1' });
    assert.equal(lock.isLeader, false);
    assert.equal(lock.key, 'mutiroes/beat/leader');
    assert.equal(lock.holder, 'beat-1');
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientIp, forwardedFor } from './client-address.js';

describe('client address', () => {
  const trusted = new Set(['10.0.0.1', '10.0.0.2']);
  test('when the peer is not a trusted proxy then X-Forwarded-For is ignored', () => {
    assert.equal(clientIp('::ffff:1.2.3.4', '9.9.9.9', trusted), '1.2.3.4');
    assert.equal(forwardedFor('1.2.3.4', '9.9.9.9', trusted), '1.2.3.4');
  });
  test('when the peer is trusted then the right-most untrusted address is the client', () => {
    assert.equal(clientIp('10.0.0.1', '6.6.6.6, 5.5.5.5, 10.0.0.2', trusted), '5.5.5.5');
    assert.equal(clientIp('10.0.0.1', undefined, trusted), '10.0.0.1');
    assert.equal(forwardedFor('10.0.0.1', '5.5.5.5', trusted), '5.5.5.5, 10.0.0.1');
  });
});

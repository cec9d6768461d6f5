import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionTokens, dropNamed, HOP_BY_HOP } from './hop-by-hop.js';

describe('hop-by-hop headers', () => {
  test('when Connection names only close or keep-alive then there is nothing extra to drop', () => {
    assert.equal(connectionTokens(undefined), null);
    assert.equal(connectionTokens('keep-alive'), null);
    assert.equal(connectionTokens('Close'), null);
    assert.equal(connectionTokens('Keep-Alive, Upgrade'), null, 'upgrade is in the standard set already');
  });

  test('when Connection names other headers then they are returned in lower case', () => {
    assert.deepEqual([...connectionTokens('keep-alive, X-Secret ,  Foo-Bar,,')!].sort(), [
      'foo-bar',
      'x-secret',
    ]);
    assert.deepEqual([...connectionTokens(['close', 'X-A'])!], ['x-a']);
  });

  test('when named headers are dropped from a flat list then the others stay in order', () => {
    const flat = ['Host', 'h', 'X-Secret', '1', 'Accept', '*/*', 'x-secret', '2', 'Foo-Bar', 'z'];
    dropNamed(flat, new Set(['x-secret', 'foo-bar']));
    assert.deepEqual(flat, ['Host', 'h', 'Accept', '*/*']);
  });

  test('when the standard set is asked for then it holds the RFC 9110 hop-by-hop fields', () => {
    for (const h of [
      'connection',
      'keep-alive',
      'proxy-connection',
      'te',
      'trailer',
      'transfer-encoding',
      'upgrade',
      'proxy-authorization',
      'proxy-authenticate',
    ]) {
      assert.ok(HOP_BY_HOP.has(h), h);
    }
  });
});

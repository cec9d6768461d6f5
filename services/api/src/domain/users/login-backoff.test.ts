import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FREE_FAILURES, MAX_WAIT_S, backoffDelayS, lockedMessage, loginKey } from './login-backoff.js';

describe('login backoff', () => {
  test('when an account name has up to 5 failures then it waits nothing, then the wait doubles up to 15 minutes', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(backoffDelayS), [0, 0, 0, 0, 0]);
    assert.deepEqual([6, 7, 8, 9].map(backoffDelayS), [2, 4, 8, 16]);
    assert.equal(backoffDelayS(FREE_FAILURES + 30), MAX_WAIT_S);
  });
  test('when the same account is typed in another case or with spaces then it is the same counter', () => {
    assert.equal(loginKey('  Ana@Example.COM '), 'ana@example.com');
  });
  test('when the wait is shown then it is in pt-BR seconds or minutes', () => {
    assert.match(lockedMessage(8), /Tente novamente em 8 segundos\./);
    assert.match(lockedMessage(1), /em 1 segundo\./);
    assert.match(lockedMessage(900), /em 15 minutos\./);
  });
});

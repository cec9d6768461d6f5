import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nextIndex } from './blocking-index.js';

describe('nextIndex (Consul blocking-query index rules)', () => {
  test('when the index moves forward then it is kept', () => {
    assert.equal(nextIndex(10, '17'), 17);
    assert.equal(nextIndex(0, 5), 5);
  });
  test('when the index is unchanged (wait timed out) then it stays the same', () => {
    assert.equal(nextIndex(17, '17'), 17);
  });
  test('when the index goes backwards then it resets to 0', () => {
    assert.equal(nextIndex(17, '12'), 0);
    assert.equal(nextIndex(17, 1), 0);
  });
  test('when Consul returns an index of 0 or below then it is raised to 1, never below', () => {
    assert.equal(nextIndex(0, '0'), 1);
    assert.equal(nextIndex(0, -3), 1);
    assert.equal(nextIndex(17, 0), 1);
  });
  test('when the header is missing or garbage then the next read starts over from 0', () => {
    assert.equal(nextIndex(9, undefined), 0);
    assert.equal(nextIndex(9, ''), 0);
    assert.equal(nextIndex(9, 'abc'), 0);
    assert.equal(nextIndex(9, null), 0);
  });
});

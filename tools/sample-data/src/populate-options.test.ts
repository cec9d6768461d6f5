import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@mutiroes/platform';
import { loadPopulateOptions, newRunTag } from './populate-options.js';

describe('loadPopulateOptions', () => {
  test('when nothing is set then small: 50 users, 200 events, a fresh tag', () => {
    const o = loadPopulateOptions({});
    assert.equal(o.size, 'small');
    assert.deepEqual([o.users, o.events], [50, 200]);
    assert.match(o.tag, /^[a-z0-9]{8}$/);
    assert.notEqual(loadPopulateOptions({}).tag + loadPopulateOptions({}).seed, o.tag + o.seed);
  });

  test('when a size is named then its preset volume', () => {
    assert.deepEqual(
      ['medium', 'large']
        .map((s) => loadPopulateOptions({ POPULATE_SIZE: s }))
        .map((o) => [o.users, o.events]),
      [
        [500, 5_000],
        [5_000, 100_000],
      ],
    );
  });

  test('when explicit counts are given then they override the preset and the size reads custom', () => {
    const o = loadPopulateOptions({
      POPULATE_SIZE: 'large',
      POPULATE_USERS: '5',
      POPULATE_TAG: 'ci01',
      POPULATE_SEED: '9',
    });
    assert.deepEqual([o.size, o.users, o.events, o.tag, o.seed], ['custom', 5, 100_000, 'ci01', 9]);
  });

  test('when values are bad then a ConfigError names every variable', () => {
    assert.throws(
      () => loadPopulateOptions({ POPULATE_SIZE: 'huge', POPULATE_USERS: '0', POPULATE_TAG: 'Bad Tag!' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /POPULATE_SIZE/.test(e.message) &&
        /POPULATE_USERS/.test(e.message) &&
        /POPULATE_TAG/.test(e.message),
    );
  });
});

describe('newRunTag', () => {
  test('when two runs start in different seconds then their tags differ', () => {
    assert.notEqual(
      newRunTag(1_700_000_000_000, () => 0),
      newRunTag(1_700_000_001_000, () => 0),
    );
    assert.match(
      newRunTag(1_700_000_000_000, () => 0.999),
      /^[a-z0-9]{8}$/,
    );
  });
});

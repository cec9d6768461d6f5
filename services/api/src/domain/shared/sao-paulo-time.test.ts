import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spIso, toSaoPauloIso } from './sao-paulo-time.js';

test('when an instant is serialised then it is São Paulo wall time with -03:00', () => {
  assert.equal(toSaoPauloIso(new Date('2026-12-13T11:00:00Z')), '2026-12-13T08:00:00-03:00');
  assert.equal(toSaoPauloIso(new Date('2026-01-01T02:30:00Z')), '2025-12-31T23:30:00-03:00');
});

test('when the instant has milliseconds then they are kept, else omitted', () => {
  assert.equal(toSaoPauloIso(new Date('2026-03-05T06:43:10.250Z')), '2026-03-05T03:43:10.250-03:00');
  assert.equal(toSaoPauloIso(new Date('2026-03-05T06:43:10Z')), '2026-03-05T03:43:10-03:00');
});

test('when the instant is in a Brazilian summer-time year then the offset is -02:00', () => {
  assert.equal(toSaoPauloIso(new Date('2018-01-10T12:00:00Z')), '2018-01-10T10:00:00-02:00');
});

test('when the serialised text is parsed again then it is the same instant', () => {
  for (const s of ['2026-07-01T00:00:00.001Z', '1999-02-28T23:59:59Z', '2030-10-20T03:00:00Z']) {
    assert.equal(new Date(toSaoPauloIso(new Date(s))).getTime(), new Date(s).getTime());
  }
});

test('when a nullable value is null or a pg text timestamp then spIso copes', () => {
  assert.equal(spIso(null), null);
  assert.equal(spIso(undefined), null);
  assert.equal(spIso('2026-12-13 11:00:00+00'), '2026-12-13T08:00:00-03:00');
});

test('when instants straddle a summer-time change then each gets the offset of its own hour', () => {
  const at = (iso: string) => toSaoPauloIso(new Date(iso));
  assert.equal(at('2018-11-04T02:59:59Z'), '2018-11-03T23:59:59-03:00');
  assert.equal(at('2018-11-04T03:00:00Z'), '2018-11-04T01:00:00-02:00');
  assert.equal(at('2019-02-17T01:59:59.5Z'), '2019-02-16T23:59:59.500-02:00');
  assert.equal(at('2019-02-17T02:00:00Z'), '2019-02-16T23:00:00-03:00');
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../shared/app-errors.js';
import { assertMonth } from './monthly-impact.use-case.js';

describe('assertMonth', () => {
  test('when the month is YYYY-MM with a month 01–12 then it is returned', () => {
    for (const m of ['2026-01', '2026-12', '0001-09']) assert.equal(assertMonth(m), m);
  });

  test('when the month is malformed then a month field error is thrown', () => {
    for (const m of ['2026-13', '2026-00', '2026-1', '26-01', '2026-01-01', '2026/01', '', 'jan']) {
      assert.throws(
        () => assertMonth(m),
        (e: unknown) => e instanceof ValidationError && Array.isArray(e.fields?.['month']),
        m,
      );
    }
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../shared/app-errors.js';
import { ageAt, assertScheduleValid, availableSpots, isActive, isRegistrationOpen } from './event-rules.js';

const d = (s: string) => new Date(s);

describe('event rules', () => {
  test('when start is not before end then end_date is reported', () => {
    assert.throws(
      () =>
        assertScheduleValid({
          start_date: d('2030-01-02T10:00Z'),
          end_date: d('2030-01-02T10:00Z'),
          registration_deadline: null,
          min_age: 16,
          max_age: null,
        }),
      (e: unknown) => e instanceof ValidationError && Object.keys(e.fields ?? {}).join() === 'end_date',
    );
  });

  test('when deadline is after start and ages inverted then both fields are reported', () => {
    assert.throws(
      () =>
        assertScheduleValid({
          start_date: d('2030-01-02T10:00Z'),
          end_date: d('2030-01-02T12:00Z'),
          registration_deadline: d('2030-01-03T00:00Z'),
          min_age: 18,
          max_age: 18,
        }),
      (e: unknown) =>
        e instanceof ValidationError &&
        Object.keys(e.fields ?? {})
          .sort()
          .join() === 'max_age,registration_deadline',
    );
  });

  test('when the schedule is consistent then nothing is thrown', () => {
    assertScheduleValid({
      start_date: d('2030-01-02T10:00Z'),
      end_date: d('2030-01-02T12:00Z'),
      registration_deadline: d('2030-01-01T00:00Z'),
      min_age: 16,
      max_age: 70,
    });
  });

  test('when the birthday has not come yet in the event year then the age is one less', () => {
    assert.equal(ageAt('2010-06-15', d('2026-06-14T12:00Z')), 15);
    assert.equal(ageAt('2010-06-15', d('2026-06-15T12:00Z')), 16);
  });

  test('when past the deadline then registration is closed but the event is still active', () => {
    const e = {
      status: 'published',
      start_date: d('2030-01-02T10:00Z'),
      registration_deadline: d('2030-01-01T00:00Z'),
      max_participants: 5,
      participants_count: 7,
    };
    const now = d('2030-01-01T12:00Z');
    assert.equal(isActive(e, now), true);
    assert.equal(isRegistrationOpen(e, now), false);
    assert.equal(availableSpots(e), 0);
  });
});

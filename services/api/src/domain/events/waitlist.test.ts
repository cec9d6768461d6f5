import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { placesForWaitlist } from './waitlist.js';

describe('waitlist places', () => {
  test('when an automatic event has free confirmed places then the waitlist may take them all', () => {
    assert.equal(
      placesForWaitlist({ max_participants: 5, participants_count: 3, requires_approval: false }, 4),
      2,
    );
  });
  test('when the event requires approval then requests already pending hold their places', () => {
    assert.equal(
      placesForWaitlist({ max_participants: 5, participants_count: 3, requires_approval: true }, 1),
      1,
    );
    assert.equal(
      placesForWaitlist({ max_participants: 5, participants_count: 3, requires_approval: true }, 4),
      0,
    );
  });
  test('when the event is full then nobody is promoted', () => {
    assert.equal(
      placesForWaitlist({ max_participants: 5, participants_count: 5, requires_approval: false }, 0),
      0,
    );
  });
});

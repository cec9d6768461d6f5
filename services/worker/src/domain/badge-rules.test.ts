import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { earnedBadges } from './badge-rules.js';

const catalogue = [
  { id: 1, code: 'first_event', criteria_type: 'events_participated', threshold: '1' },
  { id: 2, code: 'five_events', criteria_type: 'events_participated', threshold: 5 },
  { id: 3, code: 'ten_events', criteria_type: 'events_participated', threshold: 10 },
  { id: 4, code: 'organizer', criteria_type: 'events_organized', threshold: 1 },
  { id: 5, code: 'hours_10', criteria_type: 'hours_volunteered', threshold: '10.00' },
];
const codes = (r: Parameters<typeof earnedBadges>[0]) => earnedBadges(r, catalogue).map((b) => b.code);

describe('badge rules', () => {
  test('when a user has no verified participation then no badge is earned', () => {
    assert.deepEqual(codes({ verified_participations: 0, events_organized: 0, verified_hours: 0 }), []);
  });
  test('when a user has 5 verified participations and 12 hours then first, five and hours_10 are earned', () => {
    assert.deepEqual(codes({ verified_participations: 5, events_organized: 0, verified_hours: 12 }), [
      'first_event',
      'five_events',
      'hours_10',
    ]);
  });
  test('when a user organised one event then organizer is earned', () => {
    assert.deepEqual(codes({ verified_participations: 0, events_organized: 1, verified_hours: 0 }), [
      'organizer',
    ]);
  });
  test('when a catalogue row has an unknown criteria then it is never earned', () => {
    assert.deepEqual(
      earnedBadges({ verified_participations: 99, events_organized: 9, verified_hours: 999 }, [
        { id: 9, code: 'x', criteria_type: 'likes', threshold: 0 },
      ]),
      [],
    );
  });
});

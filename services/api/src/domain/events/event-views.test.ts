import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommentRecord } from '../../data-access/events/event-content.repository.js';
import type { ParticipantRecord } from '../../data-access/events/participant.repository.js';
import { commentThreads, participantView, viewerRelation } from './event-views.js';

const at = new Date('2026-01-01T00:00:00Z');
const comment = (id: number, parent_id: number | null): CommentRecord => ({
  id,
  event_id: 1,
  user_id: 1,
  username: 'u',
  parent_id,
  content: `c${id}`,
  created_at: at,
  updated_at: at,
});

describe('event views', () => {
  test('when the caller is anonymous, the organiser, registered or cancelled then the relation says so', () => {
    assert.deepEqual(viewerRelation(undefined, 7, undefined), {
      is_organizer: false,
      user_participating: false,
      user_participation_status: null,
    });
    assert.equal(viewerRelation(7, 7, undefined).is_organizer, true);
    assert.deepEqual(viewerRelation(3, 7, 'pending'), {
      is_organizer: false,
      user_participating: true,
      user_participation_status: 'pending',
    });
    assert.equal(viewerRelation(3, 7, 'confirmed').user_participating, true);
    assert.deepEqual(viewerRelation(3, 7, 'cancelled'), {
      is_organizer: false,
      user_participating: false,
      user_participation_status: 'cancelled',
    });
    assert.equal(viewerRelation(3, 7, 'rejected').user_participating, false);
  });

  test('when replies nest two levels deep then each hangs under its parent', () => {
    const roots = commentThreads([comment(1, null), comment(2, 1), comment(3, 2), comment(4, null)]);
    assert.deepEqual(
      roots.map((c) => c.id),
      [1, 4],
    );
    assert.equal(roots[0]!.replies[0]!.id, 2);
    assert.equal(roots[0]!.replies[0]!.replies[0]!.id, 3);
  });

  test('when private data is not to be shown then emergency fields are absent', () => {
    const p: ParticipantRecord = {
      id: 1,
      event_id: 1,
      user_id: 2,
      username: 'v',
      first_name: '',
      last_name: '',
      status: 'confirmed',
      emergency_contact: 'Mãe',
      emergency_phone: '+5511999999999',
      special_needs: 'x',
      experience_level: 'beginner',
      checked_in: false,
      check_in_time: null,
      check_out_time: null,
      hours_volunteered: null,
      hours_corrected: false,
      age_verified: true,
      waitlist_position: null,
      registered_at: at,
      updated_at: at,
      is_public_profile: true,
    };
    const hidden = participantView(p, false);
    assert.ok(
      !('emergency_contact' in hidden) && !('emergency_phone' in hidden) && !('special_needs' in hidden),
    );
    assert.equal(participantView(p, true).emergency_contact, 'Mãe');
  });
});

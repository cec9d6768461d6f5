// Issue #16: a waitlist on event_participants (status 'waitlisted' with a per-event sequence, unique, so two
// concurrent joins can never share a place) and the co-organisers of an event.
import type { MigrationContext } from '../migrator.js';

export async function up({ query }: MigrationContext): Promise<void> {
  await query(`
ALTER TABLE event_participants DROP CONSTRAINT IF EXISTS event_participants_status_check;
ALTER TABLE event_participants ADD CONSTRAINT event_participants_status_check
  CHECK (status IN ('pending','confirmed','cancelled','rejected','waitlisted'));
ALTER TABLE event_participants ADD COLUMN waitlist_seq integer;
ALTER TABLE event_participants ADD CONSTRAINT event_participants_waitlist_ck
  CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL));
CREATE UNIQUE INDEX event_participants_waitlist_uq ON event_participants (event_id, waitlist_seq)
  WHERE waitlist_seq IS NOT NULL;

CREATE TABLE event_coorganizers (
  event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_coorganizers_user_idx ON event_coorganizers (user_id);
`);
}

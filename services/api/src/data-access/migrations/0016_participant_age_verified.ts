// Whether a participant's age was checked against the event's limits at join time (issue #11): a volunteer
// without a birth date on the profile may join an age-limited event, and the organiser sees it unverified.
import type { MigrationContext } from '../migrator.js';

export async function up({ query }: MigrationContext): Promise<void> {
  // Rows before this migration could only join an age-limited event with a birth date in range: verified.
  await query('ALTER TABLE event_participants ADD COLUMN age_verified boolean NOT NULL DEFAULT true');
}

// Issue #16 calendar feeds: a SEQUENCE per event (bumped on every change, RFC 5545) and one private,
// revocable subscription token per user (only its SHA-256 is stored).
import type { MigrationContext } from '../migrator.js';

export async function up({ query }: MigrationContext): Promise<void> {
  await query(`
ALTER TABLE events ADD COLUMN ical_sequence integer NOT NULL DEFAULT 0;
CREATE TABLE calendar_feed_tokens (
  user_id integer PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  token_sha256 bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
`);
}

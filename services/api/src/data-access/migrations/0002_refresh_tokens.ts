// Refresh tokens, stored hashed, grouped in rotation families so reuse of a rotated token revokes the family.
import type { MigrationContext } from '../migrator.js';

export async function up({ query }: MigrationContext): Promise<void> {
  await query(`
    CREATE TABLE refresh_tokens (
      jti uuid PRIMARY KEY,
      family_id uuid NOT NULL,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash char(64) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason varchar(32),
      replaced_by uuid
    )`);
  await query(
    'CREATE INDEX refresh_tokens_user_active_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL',
  );
  await query('CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)');
}

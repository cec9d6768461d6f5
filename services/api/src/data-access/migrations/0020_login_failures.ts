// Failed logins per account name (the submitted e-mail or username, lower case): the API's per-account backoff.
// Keyed by the name, not the user id, so that a locked answer does not tell whether the account exists.
import type { MigrationContext } from '../migrator.js';

export async function up({ query }: MigrationContext): Promise<void> {
  await query(`
    CREATE TABLE login_failures (
      login_key varchar(254) PRIMARY KEY,
      failures integer NOT NULL,
      last_failure_at timestamptz NOT NULL,
      locked_until timestamptz
    )`);
  await query('CREATE INDEX login_failures_last_idx ON login_failures (last_failure_at)');
}

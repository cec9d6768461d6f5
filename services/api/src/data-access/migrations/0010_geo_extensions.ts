// cube + earthdistance power the indexed distance queries of /api/events/nearby (docs/adr/0002-geo-query.md);
// pg_trgm backs ?search=. earthdistance is not a "trusted" extension, so CREATE EXTENSION needs a superuser:
// the mesh bootstrap creates all three as DB_SUPERUSER, and then IF NOT EXISTS here is a no-op for the app role.
import type { MigrationContext } from '../migrator.js';

export async function up({ query }: MigrationContext): Promise<void> {
  const [rows] = (await query(
    `SELECT name FROM unnest(ARRAY['cube','earthdistance','pg_trgm']) AS name
     WHERE NOT EXISTS (SELECT 1 FROM pg_extension x WHERE x.extname = name)`,
  )) as [Array<{ name: string }>];
  for (const { name } of rows) {
    try {
      await query(`CREATE EXTENSION IF NOT EXISTS ${name}`);
    } catch (e) {
      throw new Error(
        `extension ${name} is missing and the migration role cannot create it; run as a superuser in this database: CREATE EXTENSION ${name};`,
        { cause: e },
      );
    }
  }
}

// Per-user statistics snapshot (user_profiles columns the API reserved for the worker) and badge awards.
import type { Tx } from './job-database.js';
import type { CatalogueBadge, UserRecord } from '../domain/badge-rules.js';

export class UserStatisticsRepository {
  /** Upsert: the profile row may not exist yet (the API creates it on first access). */
  async save(tx: Tx, userId: number, r: UserRecord): Promise<void> {
    await tx.exec(
      `INSERT INTO user_profiles (user_id, total_events_participated, total_hours_volunteered, stats_updated_at)
       VALUES ($1, $2, $3, now())
       ON CONFLICT (user_id) DO UPDATE SET total_events_participated = EXCLUDED.total_events_participated,
         total_hours_volunteered = EXCLUDED.total_hours_volunteered, stats_updated_at = now()`,
      [userId, r.verified_participations, r.verified_hours],
    );
  }

  async catalogue(tx: Tx): Promise<CatalogueBadge[]> {
    return tx.select<CatalogueBadge>(`SELECT id, code, criteria_type, threshold FROM badges ORDER BY id`);
  }

  /** Inserts the earned badges the user does not hold yet (unique (user_id, badge_id)); returns the new codes. */
  async award(tx: Tx, userId: number, badges: CatalogueBadge[]): Promise<string[]> {
    if (badges.length === 0) return [];
    const rows = await tx.returning<{ badge_id: number }>(
      `INSERT INTO user_badges (user_id, badge_id, earned_at) SELECT $1, unnest($2::int[]), now()
       ON CONFLICT (user_id, badge_id) DO NOTHING RETURNING badge_id`,
      [userId, badges.map((b) => b.id)],
    );
    const ids = new Set(rows.map((r) => r.badge_id));
    return badges.filter((b) => ids.has(b.id)).map((b) => b.code);
  }
}

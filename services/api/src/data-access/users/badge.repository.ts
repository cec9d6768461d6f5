// Badge catalogue and the badges users earned (rows written by the worker's check_and_award_badges).
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { BadgeRecord } from './user.records.js';

const BADGE_COLUMNS =
  'b.id, b.code, b.name, b.description, b.icon, b.criteria_type, b.threshold::float8 AS threshold';

export interface EarnedBadgeRow {
  id: number;
  earned_at: Date;
  badge: BadgeRecord;
}

export class BadgeRepository {
  async list(db: Sequelize, limit: number, offset: number): Promise<{ count: number; rows: BadgeRecord[] }> {
    const [c] = await db.query<{ n: string }>('SELECT count(*) AS n FROM badges', {
      type: QueryTypes.SELECT,
    });
    const rows = limit
      ? await db.query<BadgeRecord>(
          `SELECT ${BADGE_COLUMNS} FROM badges b ORDER BY b.criteria_type, b.threshold, b.id LIMIT $1 OFFSET $2`,
          { bind: [limit, offset], type: QueryTypes.SELECT },
        )
      : [];
    return { count: Number(c!.n), rows };
  }

  async earned(
    db: Sequelize,
    userId: number,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: EarnedBadgeRow[] }> {
    const [c] = await db.query<{ n: string }>('SELECT count(*) AS n FROM user_badges WHERE user_id = $1', {
      bind: [userId],
      type: QueryTypes.SELECT,
    });
    const raw = limit
      ? await db.query<BadgeRecord & { ub_id: number; earned_at: Date }>(
          `SELECT ub.id AS ub_id, ub.earned_at, ${BADGE_COLUMNS}
             FROM user_badges ub JOIN badges b ON b.id = ub.badge_id
            WHERE ub.user_id = $1 ORDER BY ub.earned_at DESC, ub.id DESC LIMIT $2 OFFSET $3`,
          { bind: [userId, limit, offset], type: QueryTypes.SELECT },
        )
      : [];
    return {
      count: Number(c!.n),
      rows: raw.map(({ ub_id, earned_at, ...badge }) => ({ id: ub_id, earned_at, badge })),
    };
  }

  async countEarned(db: Sequelize, userId: number): Promise<number> {
    const [c] = await db.query<{ n: string }>('SELECT count(*) AS n FROM user_badges WHERE user_id = $1', {
      bind: [userId],
      type: QueryTypes.SELECT,
    });
    return Number(c!.n);
  }

  /** Idempotent upsert of a catalogue entry by code (seed). */
  async upsert(db: Sequelize, tx: Transaction | undefined, b: Omit<BadgeRecord, 'id'>): Promise<void> {
    await db.query(
      `INSERT INTO badges (code, name, description, icon, criteria_type, threshold) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, icon = EXCLUDED.icon,
         criteria_type = EXCLUDED.criteria_type, threshold = EXCLUDED.threshold`,
      {
        bind: [b.code, b.name, b.description, b.icon, b.criteria_type, b.threshold],
        ...(tx ? { transaction: tx } : {}),
      },
    );
  }
}

// user_profiles and user_interests (interests are event_categories ids; names come from that table).
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { ProfileRecord } from './user.records.js';

const COLUMNS = `id, user_id, phone, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, bio, avatar, city, state, zip_code,
  notification_preferences, is_public_profile, show_participation_history, created_at, updated_at`;

export type ProfilePatch = Partial<
  Pick<
    ProfileRecord,
    | 'phone'
    | 'birth_date'
    | 'bio'
    | 'avatar'
    | 'city'
    | 'state'
    | 'zip_code'
    | 'notification_preferences'
    | 'is_public_profile'
    | 'show_participation_history'
  >
>;

export interface Category {
  id: number;
  name: string;
}

export class ProfileRepository {
  async find(db: Sequelize, userId: number, tx?: Transaction): Promise<ProfileRecord | null> {
    const [row] = await db.query<ProfileRecord>(`SELECT ${COLUMNS} FROM user_profiles WHERE user_id = $1`, {
      bind: [userId],
      type: QueryTypes.SELECT,
      ...(tx ? { transaction: tx } : {}),
    });
    return row ?? null;
  }

  /** Creates the profile if absent (concurrent first accesses are fine) and returns it. */
  async getOrCreate(db: Sequelize, userId: number, tx?: Transaction): Promise<ProfileRecord> {
    await db.query('INSERT INTO user_profiles (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING', {
      bind: [userId],
      ...(tx ? { transaction: tx } : {}),
    });
    return (await this.find(db, userId, tx))!;
  }

  async update(db: Sequelize, tx: Transaction, userId: number, patch: ProfilePatch): Promise<void> {
    const sets: string[] = [];
    const bind: unknown[] = [userId];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      bind.push(k === 'notification_preferences' ? JSON.stringify(v) : v);
      sets.push(`${k} = $${bind.length}${k === 'notification_preferences' ? '::jsonb' : ''}`);
    }
    sets.push('updated_at = now()');
    await db.query(`UPDATE user_profiles SET ${sets.join(', ')} WHERE user_id = $1`, {
      bind,
      transaction: tx,
    });
  }

  async interests(db: Sequelize, userId: number): Promise<string[]> {
    const rows = await db.query<{ name: string }>(
      `SELECT c.name FROM user_interests i JOIN event_categories c ON c.id = i.category_id
        WHERE i.user_id = $1 ORDER BY c.name`,
      { bind: [userId], type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.name);
  }

  async setInterests(db: Sequelize, tx: Transaction, userId: number, categoryIds: number[]): Promise<void> {
    await db.query('DELETE FROM user_interests WHERE user_id = $1', { bind: [userId], transaction: tx });
    if (!categoryIds.length) return;
    await db.query(
      'INSERT INTO user_interests (user_id, category_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING',
      { bind: [userId, categoryIds], transaction: tx },
    );
  }

  /** Categories matching the given ids or names (case-insensitive names). */
  async findCategories(db: Sequelize, ids: number[], names: string[]): Promise<Category[]> {
    return db.query<Category>(
      `SELECT id, name FROM event_categories WHERE id = ANY($1::int[]) OR lower(name) = ANY($2::text[])`,
      { bind: [ids, names.map((n) => n.toLowerCase())], type: QueryTypes.SELECT },
    );
  }
}

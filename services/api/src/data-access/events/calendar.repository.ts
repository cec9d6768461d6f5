// Calendar feeds (issue #16): the rows an iCalendar needs, and the per-user subscription tokens (hashed).
import { Params, mutate, select, selectOne, type Conn } from './events-db.js';

export interface CalendarEventRow {
  id: number;
  title: string;
  description: string;
  address: string;
  city: string;
  state: string;
  latitude: string | null;
  longitude: string | null;
  start_date: Date;
  end_date: Date;
  status: string;
  ical_sequence: number;
  updated_at: Date;
  created_at: Date;
}

const COLS = `e.id, e.title, e.description, e.address, e.city, e.state, e.latitude::text AS latitude,
  e.longitude::text AS longitude, e.start_date, e.end_date, e.status, e.ical_sequence, e.updated_at, e.created_at`;
/** Feeds carry what is still relevant: upcoming and the last 30 days. */
const RECENT = `e.end_date > now() - interval '30 days'`;
const FEED_LIMIT = 500;

export class CalendarRepository {
  async byId(c: Conn, id: number): Promise<CalendarEventRow | null> {
    return selectOne<CalendarEventRow>(c, `SELECT ${COLS} FROM events e WHERE e.id = $1`, [id]);
  }

  /** Public, published (or cancelled/completed after publication) events, optionally by city and category. */
  async publicFeed(c: Conn, f: { city?: string; categoryId?: number }): Promise<CalendarEventRow[]> {
    const p = new Params();
    const where = [`e.is_public`, `e.status IN ('published','cancelled','completed')`, RECENT];
    if (f.city) where.push(`lower(e.city) = lower(${p.add(f.city)})`);
    if (f.categoryId !== undefined) where.push(`e.category_id = ${p.add(f.categoryId)}`);
    return select<CalendarEventRow>(
      c,
      `SELECT ${COLS} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.start_date, e.id LIMIT ${FEED_LIMIT}`,
      p.values,
    );
  }

  /** The events `userId` joined (pending or confirmed), cancelled ones included so calendars drop them. */
  async userFeed(c: Conn, userId: number): Promise<CalendarEventRow[]> {
    return select<CalendarEventRow>(
      c,
      `SELECT ${COLS} FROM events e JOIN event_participants p ON p.event_id = e.id
        WHERE p.user_id = $1 AND p.status IN ('pending','confirmed') AND e.status <> 'draft' AND ${RECENT}
        ORDER BY e.start_date, e.id LIMIT ${FEED_LIMIT}`,
      [userId],
    );
  }

  async bumpSequence(c: Conn, eventId: number): Promise<void> {
    await mutate(c, 'UPDATE events SET ical_sequence = ical_sequence + 1 WHERE id = $1', [eventId]);
  }

  /** Sets (or replaces: the old URL stops working) the user's token hash. */
  async setToken(c: Conn, userId: number, sha256: Buffer): Promise<void> {
    await mutate(
      c,
      `INSERT INTO calendar_feed_tokens (user_id, token_sha256) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET token_sha256 = EXCLUDED.token_sha256, created_at = now()`,
      [userId, sha256],
    );
  }

  async deleteToken(c: Conn, userId: number): Promise<boolean> {
    return (
      (await mutate(c, 'DELETE FROM calendar_feed_tokens WHERE user_id = $1 RETURNING user_id', [userId]))
        .length > 0
    );
  }

  async userForToken(c: Conn, sha256: Buffer): Promise<number | null> {
    const row = await selectOne<{ user_id: number }>(
      c,
      'SELECT t.user_id FROM calendar_feed_tokens t JOIN users u ON u.id = t.user_id AND u.is_active WHERE t.token_sha256 = $1',
      [sha256],
    );
    return row?.user_id ?? null;
  }
}

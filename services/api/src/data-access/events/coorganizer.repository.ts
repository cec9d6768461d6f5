// Co-organisers of an event (issue #16): users the owner lets manage participants, check-in and the report.
import { mutate, select, selectOne, type Conn } from './events-db.js';

export interface CoorganizerRecord {
  user_id: number;
  username: string;
  first_name: string;
  last_name: string;
  added_at: Date;
}

export class CoorganizerRepository {
  async list(c: Conn, eventId: number): Promise<CoorganizerRecord[]> {
    return select<CoorganizerRecord>(
      c,
      `SELECT co.user_id, u.username, u.first_name, u.last_name, co.added_at
         FROM event_coorganizers co JOIN users u ON u.id = co.user_id
        WHERE co.event_id = $1 ORDER BY co.added_at, co.user_id`,
      [eventId],
    );
  }

  async isCoorganizer(c: Conn, eventId: number, userId: number): Promise<boolean> {
    const row = await selectOne(
      c,
      'SELECT 1 AS one FROM event_coorganizers WHERE event_id = $1 AND user_id = $2',
      [eventId, userId],
    );
    return row !== null;
  }

  /** True when added, false when the user already was one. */
  async add(c: Conn, eventId: number, userId: number): Promise<boolean> {
    const rows = await mutate(
      c,
      `INSERT INTO event_coorganizers (event_id, user_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [eventId, userId],
    );
    return rows.length > 0;
  }

  async remove(c: Conn, eventId: number, userId: number): Promise<boolean> {
    const rows = await mutate(
      c,
      'DELETE FROM event_coorganizers WHERE event_id = $1 AND user_id = $2 RETURNING user_id',
      [eventId, userId],
    );
    return rows.length > 0;
  }
}

// Events and participants as the worker needs them (API-events' tables, read and maintained with raw SQL).
import type { DeadlineOptions, JobDatabase } from './job-database.js';
import type { EventInfo, Recipient } from '../domain/email-templates.js';

export interface EventRow extends EventInfo {
  status: string;
  organizer_id: number;
}
export interface ParticipantRecipient extends Recipient {
  user_id: number;
}

/** Drafts untouched this long, whose start date has passed, are removed by the daily cleanup. */
export const STALE_DRAFT_DAYS = 30;

export class EventRepository {
  constructor(private readonly db: JobDatabase) {}

  async find(eventId: number, opts: DeadlineOptions): Promise<EventRow | undefined> {
    const rows = await this.db.select<EventRow>(
      opts,
      `SELECT id, title, start_date, end_date, address, city, state, what_to_bring, status, organizer_id FROM events WHERE id = $1`,
      [eventId],
    );
    const e = rows[0];
    return (
      e && { ...e, start_date: new Date(e.start_date), end_date: e.end_date ? new Date(e.end_date) : null }
    );
  }

  async confirmedParticipants(eventId: number, opts: DeadlineOptions): Promise<ParticipantRecipient[]> {
    return this.db.select<ParticipantRecipient>(
      opts,
      `SELECT u.id AS user_id, u.email, u.username, u.first_name FROM event_participants p JOIN users u ON u.id = p.user_id
       WHERE p.event_id = $1 AND p.status = 'confirmed' AND u.is_active ORDER BY p.id`,
      [eventId],
    );
  }

  async recipient(userId: number, opts: DeadlineOptions): Promise<ParticipantRecipient | undefined> {
    const rows = await this.db.select<ParticipantRecipient>(
      opts,
      `SELECT id AS user_id, email, username, first_name FROM users WHERE id = $1 AND is_active`,
      [userId],
    );
    return rows[0];
  }

  /** Past published events → completed; stale drafts removed. Both idempotent by their WHERE clauses. */
  async cleanupExpired(opts: DeadlineOptions): Promise<{ completed: number[]; removed_drafts: number[] }> {
    return this.db.transaction(opts, async (tx) => {
      const completed = await tx.returning<{ id: number }>(
        `UPDATE events SET status = 'completed', updated_at = now() WHERE status = 'published' AND end_date < now() RETURNING id`,
      );
      const removed = await tx.returning<{ id: number }>(
        `DELETE FROM events WHERE status = 'draft' AND start_date < now() AND updated_at < now() - ($1::int * interval '1 day') RETURNING id`,
        [STALE_DRAFT_DAYS],
      );
      return { completed: completed.map((r) => r.id), removed_drafts: removed.map((r) => r.id) };
    });
  }
}

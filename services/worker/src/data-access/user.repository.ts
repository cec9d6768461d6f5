// Users and their verified record (check-ins, hours, organised events), read from the API's tables.
import type { DeadlineOptions, JobDatabase, Tx } from './job-database.js';
import type { UserRecord } from '../domain/badge-rules.js';

export interface UserRow {
  id: number;
  username: string;
  email: string;
  first_name: string | null;
  is_active: boolean;
}

export class UserRepository {
  constructor(private readonly db: JobDatabase) {}

  async find(userId: number, opts: DeadlineOptions): Promise<UserRow | undefined> {
    const rows = await this.db.select<UserRow>(
      opts,
      `SELECT id, username, email, first_name, is_active FROM users WHERE id = $1`,
      [userId],
    );
    return rows[0];
  }

  /** Is this user (still) an active staff member, and since when do their tokens count (status page admin check). */
  async adminState(
    userId: number,
    opts: DeadlineOptions = {},
  ): Promise<{ is_active: boolean; is_staff: boolean; password_changed_s: number } | null> {
    const rows = await this.db.select<{ is_active: boolean; is_staff: boolean; s: string }>(
      opts,
      `SELECT is_active, is_staff, floor(extract(epoch FROM password_changed_at))::bigint AS s FROM users WHERE id = $1`,
      [userId],
    );
    const r = rows[0];
    return r ? { is_active: r.is_active, is_staff: r.is_staff, password_changed_s: Number(r.s) } : null;
  }

  /** Verified = confirmed and checked in; hours = volunteered_hours() of those (ADR 0014: measured, capped, corrected). */
  async record(tx: Tx, userId: number): Promise<UserRecord & { current_month_events: number }> {
    const [r] = await tx.select<{
      verified: string;
      hours: string | null;
      organized: string;
      month_events: string;
    }>(
      `SELECT
         (SELECT count(*) FROM event_participants p JOIN events e ON e.id = p.event_id
            WHERE p.user_id = $1 AND p.status = 'confirmed' AND p.checked_in) AS verified,
         (SELECT coalesce(sum(volunteered_hours(p.check_in_time, p.check_out_time, p.hours_override, e.start_date, e.end_date)), 0) FROM event_participants p JOIN events e ON e.id = p.event_id
            WHERE p.user_id = $1 AND p.status = 'confirmed' AND p.checked_in) AS hours,
         (SELECT count(*) FROM events e WHERE e.organizer_id = $1 AND e.status IN ('published', 'completed')) AS organized,
         (SELECT count(*) FROM event_participants p JOIN events e ON e.id = p.event_id
            WHERE p.user_id = $1 AND p.status = 'confirmed' AND p.checked_in
              AND date_trunc('month', e.start_date AT TIME ZONE 'America/Sao_Paulo') = date_trunc('month', now() AT TIME ZONE 'America/Sao_Paulo')) AS month_events`,
      [userId],
    );
    return {
      verified_participations: Number(r?.verified ?? 0),
      verified_hours: Math.round(Number(r?.hours ?? 0) * 100) / 100,
      events_organized: Number(r?.organized ?? 0),
      current_month_events: Number(r?.month_events ?? 0),
    };
  }
}

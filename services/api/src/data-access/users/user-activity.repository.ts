// Volunteer activity computed from the events domain's tables (event_participants, events): a "verified
// participation" is a confirmed participant who checked in, and it counts volunteered_hours() (migration 0043,
// ADR 0014): the measured check-in→check-out time capped to the event, the organiser's correction, or the
// event's nominal length only for check-ins recorded without a time.
// The worker's update_user_statistics / check_and_award_badges use the same definitions, so the badges a
// user holds always agree with the figures shown here.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { UserActivityStats } from './user.records.js';

const TZ = 'America/Sao_Paulo';

const HOURS_EXPR = `volunteered_hours(ep.check_in_time, ep.check_out_time, ep.hours_override, e.start_date, e.end_date)`;

const VERIFIED = `event_participants ep
    JOIN events e ON e.id = ep.event_id
   WHERE ep.status = 'confirmed' AND ep.checked_in`;

export type LeaderboardMetric = 'hours' | 'events' | 'badges';

export interface LeaderboardRow {
  rank: number;
  user_id: number;
  username: string;
  first_name: string;
  last_name: string;
  avatar: string | null;
  total_hours: number;
  total_events: number;
  badges_earned: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export class UserActivityRepository {
  async stats(db: Sequelize, userId: number): Promise<UserActivityStats> {
    const [v] = await db.query<{ events: string; hours: string | null }>(
      `SELECT count(*) AS events, coalesce(sum(${HOURS_EXPR}), 0) AS hours FROM ${VERIFIED} AND ep.user_id = $1`,
      { bind: [userId], type: QueryTypes.SELECT },
    );
    const [o] = await db.query<{ organized: string; month: string }>(
      `SELECT
         (SELECT count(*) FROM events WHERE organizer_id = $1 AND status IN ('published', 'completed')) AS organized,
         (SELECT count(*) FROM event_participants ep JOIN events e ON e.id = ep.event_id
           WHERE ep.user_id = $1 AND ep.status = 'confirmed' AND ep.checked_in
             AND date_trunc('month', e.start_date AT TIME ZONE '${TZ}') = date_trunc('month', now() AT TIME ZONE '${TZ}')) AS month`,
      { bind: [userId], type: QueryTypes.SELECT },
    );
    const favorites = await db.query<{ name: string }>(
      `SELECT c.name FROM event_participants ep
         JOIN events e ON e.id = ep.event_id
         JOIN event_categories c ON c.id = e.category_id
        WHERE ep.user_id = $1 AND ep.status = 'confirmed' AND ep.checked_in
        GROUP BY c.name ORDER BY count(*) DESC, c.name LIMIT 3`,
      { bind: [userId], type: QueryTypes.SELECT },
    );
    return {
      total_events_participated: Number(v!.events),
      total_hours_volunteered: round2(Number(v!.hours ?? 0)),
      events_organized: Number(o!.organized),
      current_month_events: Number(o!.month),
      favorite_categories: favorites.map((f) => f.name),
    };
  }

  private rankedCte(
    metric: LeaderboardMetric,
    categoryId: number | undefined,
  ): { sql: string; bind: unknown[] } {
    const bind: unknown[] = [];
    let catFilter = '';
    if (categoryId !== undefined) {
      bind.push(categoryId);
      catFilter = ` AND e.category_id = $${bind.length}`;
    }
    const order =
      metric === 'hours'
        ? 'a.total_hours DESC'
        : metric === 'events'
          ? 'a.total_events DESC'
          : 'a.badges_earned DESC';
    const sql = `
      WITH v AS (
        SELECT ep.user_id, count(*) AS total_events, sum(${HOURS_EXPR}) AS total_hours
          FROM ${VERIFIED}${catFilter}
         GROUP BY ep.user_id
      ), b AS (
        SELECT user_id, count(*) AS badges_earned FROM user_badges GROUP BY user_id
      ), a AS (
        SELECT u.id AS user_id, u.username, u.first_name, u.last_name, p.avatar,
               coalesce(v.total_hours, 0)::float8 AS total_hours, coalesce(v.total_events, 0)::int AS total_events,
               coalesce(b.badges_earned, 0)::int AS badges_earned
          FROM users u
          LEFT JOIN v ON v.user_id = u.id
          LEFT JOIN b ON b.user_id = u.id
          LEFT JOIN user_profiles p ON p.user_id = u.id
         WHERE u.is_active AND coalesce(p.is_public_profile, true)
           AND ${metric === 'badges' ? 'coalesce(b.badges_earned, 0) > 0' : 'v.user_id IS NOT NULL'}
      ), ranked AS (
        SELECT a.*, rank() OVER (ORDER BY ${order})::int AS rank FROM a
      )`;
    return { sql, bind };
  }

  async leaderboard(
    db: Sequelize,
    metric: LeaderboardMetric,
    categoryId: number | undefined,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: LeaderboardRow[] }> {
    const { sql, bind } = this.rankedCte(metric, categoryId);
    const [c] = await db.query<{ n: string }>(`${sql} SELECT count(*) AS n FROM ranked`, {
      bind,
      type: QueryTypes.SELECT,
    });
    const rows = limit
      ? await db.query<LeaderboardRow>(
          `${sql} SELECT * FROM ranked ORDER BY rank, username LIMIT $${bind.length + 1} OFFSET $${bind.length + 2}`,
          { bind: [...bind, limit, offset], type: QueryTypes.SELECT },
        )
      : [];
    return { count: Number(c!.n), rows: rows.map((r) => ({ ...r, total_hours: round2(r.total_hours) })) };
  }

  /** The user's row in the ranking (null when the user has nothing to rank on) and the number ranked. */
  async rankOf(
    db: Sequelize,
    userId: number,
    metric: LeaderboardMetric,
    categoryId: number | undefined,
  ): Promise<{ row: LeaderboardRow | null; total: number }> {
    const { sql, bind } = this.rankedCte(metric, categoryId);
    const [r] = await db.query<LeaderboardRow & { total: number }>(
      `${sql} SELECT ranked.*, (SELECT count(*) FROM ranked)::int AS total FROM ranked WHERE user_id = $${bind.length + 1}`,
      { bind: [...bind, userId], type: QueryTypes.SELECT },
    );
    if (!r) {
      const [c] = await db.query<{ n: string }>(`${sql} SELECT count(*) AS n FROM ranked`, {
        bind,
        type: QueryTypes.SELECT,
      });
      return { row: null, total: Number(c!.n) };
    }
    const { total, ...row } = r;
    return { row: { ...row, total_hours: round2(row.total_hours) }, total };
  }
}

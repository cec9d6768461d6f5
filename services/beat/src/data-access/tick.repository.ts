// beat_ticks: one row per fired tick (unique key = schedule@instant) and per job it must enqueue (outbox-like:
// inserted in the tick's transaction, enqueued afterwards, re-enqueued while still pending).
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export interface PendingJob {
  id: string;
  key: string;
  queue: string;
  payload: Record<string, unknown>;
}
export interface UpcomingEvent {
  id: number;
  start_date: Date;
}

export class TickRepository {
  constructor(private readonly sequelize: Sequelize) {}

  async lastFired(schedules: string[]): Promise<Map<string, Date>> {
    const rows = await this.sequelize.query<{ schedule: string; last: Date }>(
      `SELECT schedule, max(scheduled_at) AS last FROM beat_ticks WHERE schedule = ANY($1::text[]) GROUP BY schedule`,
      { bind: [schedules], type: QueryTypes.SELECT },
    );
    return new Map(rows.map((r) => [r.schedule, new Date(r.last)]));
  }

  transaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction(fn);
  }

  /** Inserts the tick row; false when that tick was already fired (by this or another beat). */
  async insertTick(
    t: Transaction,
    row: {
      key: string;
      schedule: string;
      scheduledAt: Date;
      queue: string | null;
      payload: Record<string, unknown>;
      firedBy: string;
    },
  ): Promise<boolean> {
    const [rows] = await this.sequelize.query(
      `INSERT INTO beat_ticks (key, schedule, scheduled_at, queue, payload, status, fired_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) ON CONFLICT (key) DO NOTHING RETURNING id`,
      {
        bind: [
          row.key,
          row.schedule,
          row.scheduledAt.toISOString(),
          row.queue,
          JSON.stringify(row.payload),
          row.queue ? 'pending' : 'marker',
          row.firedBy,
        ],
        transaction: t,
      },
    );
    return (rows as unknown[]).length === 1;
  }

  async upcomingEvents(t: Transaction, within: { from: Date; to: Date }): Promise<UpcomingEvent[]> {
    const rows = await this.sequelize.query<UpcomingEvent>(
      `SELECT id, start_date FROM events WHERE status = 'published' AND start_date > $1 AND start_date <= $2 ORDER BY start_date`,
      { bind: [within.from.toISOString(), within.to.toISOString()], type: QueryTypes.SELECT, transaction: t },
    );
    return rows.map((r) => ({ id: r.id, start_date: new Date(r.start_date) }));
  }

  /** Locks pending rows (SKIP LOCKED) for the caller's transaction. */
  async lockPending(t: Transaction, limit: number): Promise<PendingJob[]> {
    return this.sequelize.query<PendingJob>(
      `SELECT id::text AS id, key, queue, payload FROM beat_ticks WHERE status = 'pending' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      { bind: [limit], type: QueryTypes.SELECT, transaction: t },
    );
  }

  async markEnqueued(t: Transaction, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sequelize.query(
      `UPDATE beat_ticks SET status = 'enqueued', enqueued_at = now() WHERE id = ANY($1::bigint[])`,
      { bind: [ids], transaction: t },
    );
  }
}

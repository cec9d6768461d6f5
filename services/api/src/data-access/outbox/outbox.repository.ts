// The outbox table: job intents written inside the transaction of the change that caused them.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export interface OutboxRow {
  id: string; // bigint comes back as a string
  job_name: string;
  data: Record<string, unknown>;
  request_id: string | null;
  attempts: number;
}

export const JOB_NAME_RE = /^[a-z][a-z0-9_.-]{0,99}$/;

export class OutboxRepository {
  constructor(private readonly sequelize: Sequelize) {}

  async insert(
    tx: Transaction,
    jobName: string,
    data: Record<string, unknown>,
    requestId: string | null,
  ): Promise<number> {
    const [row] = await this.sequelize.query<{ id: string }>(
      'INSERT INTO outbox (job_name, data, request_id) VALUES ($1, $2::jsonb, $3) RETURNING id',
      { bind: [jobName, JSON.stringify(data), requestId], type: QueryTypes.SELECT, transaction: tx },
    );
    return Number(row!.id);
  }

  /** Locks up to `limit` pending rows for this transaction; rows locked by another relay are skipped. */
  async lockPending(tx: Transaction, limit: number): Promise<OutboxRow[]> {
    return this.sequelize.query<OutboxRow>(
      `SELECT id, job_name, data, request_id, attempts FROM outbox
        WHERE enqueued_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      { bind: [limit], type: QueryTypes.SELECT, transaction: tx },
    );
  }

  async markEnqueued(tx: Transaction, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.sequelize.query(
      'UPDATE outbox SET enqueued_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])',
      { bind: [ids], transaction: tx },
    );
  }

  async markFailed(tx: Transaction, ids: string[], error: string): Promise<void> {
    if (!ids.length) return;
    await this.sequelize.query(
      'UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])',
      {
        bind: [ids, error.slice(0, 500)],
        transaction: tx,
      },
    );
  }

  /** Deletes enqueued rows older than `days` (the queue owns them from then on). */
  async purgeEnqueued(days: number): Promise<number> {
    const rows = await this.sequelize.query<{ id: string }>(
      `DELETE FROM outbox WHERE enqueued_at IS NOT NULL AND enqueued_at < now() - make_interval(days => $1) RETURNING id`,
      { bind: [days], type: QueryTypes.SELECT },
    );
    return rows.length;
  }

  /** One round trip, no transaction: lets an idle relay skip the locking transaction entirely. */
  async hasPending(): Promise<boolean> {
    const rows = await this.sequelize.query('SELECT 1 FROM outbox WHERE enqueued_at IS NULL LIMIT 1', {
      type: QueryTypes.SELECT,
    });
    return rows.length > 0;
  }

  async pendingCount(): Promise<number> {
    const [r] = await this.sequelize.query<{ n: string }>(
      'SELECT count(*) AS n FROM outbox WHERE enqueued_at IS NULL',
      {
        type: QueryTypes.SELECT,
      },
    );
    return Number(r!.n);
  }
}

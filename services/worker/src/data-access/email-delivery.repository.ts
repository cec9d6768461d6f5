// Dedup ledger of e-mails: one row per (recipient, template, ref), claimed with a lease before sending,
// marked sent after the SMTP server accepted it. A second run of a job finds 'sent' and sends nothing.
import { randomUUID } from 'node:crypto';
import type { DeadlineOptions, JobDatabase } from './job-database.js';

export interface DeliveryKey {
  recipient: string;
  template: string;
  ref: string;
}
export interface DeliveryJobInfo {
  queue: string;
  jobId: string;
  requestId?: string | undefined;
}

export type ClaimResult =
  | { outcome: 'claimed'; id: number; token: string; attempts: number }
  | { outcome: 'already_sent'; id: number }
  | { outcome: 'busy'; id: number; claimedUntil: Date };

export class EmailDeliveryRepository {
  constructor(
    private readonly db: JobDatabase,
    private readonly leaseMs = 20_000,
  ) {}

  async claim(key: DeliveryKey, job: DeliveryJobInfo, opts: DeadlineOptions): Promise<ClaimResult> {
    const token = randomUUID();
    return this.db.transaction(opts, async (tx) => {
      const claimed = await tx.returning<{ id: number; attempts: number }>(
        `INSERT INTO email_deliveries (recipient, template, ref, status, claim_token, claimed_until, attempts, job_queue, job_id, request_id)
         VALUES ($1, $2, $3, 'sending', $4, now() + ($5::int * interval '1 millisecond'), 1, $6, $7, $8)
         ON CONFLICT (recipient, template, ref) DO UPDATE
           SET status = 'sending', claim_token = EXCLUDED.claim_token, claimed_until = EXCLUDED.claimed_until,
               attempts = email_deliveries.attempts + 1, job_queue = EXCLUDED.job_queue, job_id = EXCLUDED.job_id,
               request_id = EXCLUDED.request_id, updated_at = now()
           WHERE email_deliveries.status <> 'sent' AND email_deliveries.claimed_until < now()
         RETURNING id, attempts`,
        [
          key.recipient.toLowerCase(),
          key.template,
          key.ref,
          token,
          this.leaseMs,
          job.queue,
          job.jobId,
          job.requestId ?? null,
        ],
      );
      if (claimed[0]) return { outcome: 'claimed', id: claimed[0].id, token, attempts: claimed[0].attempts };
      const [row] = await tx.select<{ id: number; status: string; claimed_until: Date }>(
        `SELECT id, status, claimed_until FROM email_deliveries WHERE recipient = $1 AND template = $2 AND ref = $3`,
        [key.recipient.toLowerCase(), key.template, key.ref],
      );
      if (!row) throw new Error(`email_deliveries row vanished for ${key.template}/${key.ref}`);
      if (row.status === 'sent') return { outcome: 'already_sent', id: row.id };
      return { outcome: 'busy', id: row.id, claimedUntil: new Date(row.claimed_until) };
    });
  }

  async markSent(id: number, token: string, messageId: string, opts: DeadlineOptions): Promise<boolean> {
    // Not bound to the job's signal: once the SMTP server accepted the mail, recording it must not be skipped.
    const n = await this.db.transaction({ deadline: Date.now() + 10_000 }, (tx) =>
      tx.exec(
        `UPDATE email_deliveries SET status = 'sent', sent_at = now(), message_id = $3, claimed_until = now(), error = NULL, updated_at = now()
         WHERE id = $1 AND claim_token = $2`,
        [id, token, messageId],
      ),
    );
    void opts;
    return n === 1;
  }

  async release(id: number, token: string, error: string): Promise<void> {
    await this.db.transaction({ deadline: Date.now() + 10_000 }, (tx) =>
      tx.exec(
        `UPDATE email_deliveries SET status = 'failed', claimed_until = now(), error = $3, updated_at = now()
         WHERE id = $1 AND claim_token = $2 AND status = 'sending'`,
        [id, token, error.slice(0, 2000)],
      ),
    );
  }
}

// Durable record of dead-lettered jobs (the Redis list is bounded and may be trimmed; this table is the audit trail).
import type { JobDatabase } from './job-database.js';

export class DeadLetterRepository {
  constructor(private readonly db: JobDatabase) {}

  async record(queue: string, jobId: string, data: unknown, reason: string, stalls: number): Promise<void> {
    await this.db.transaction({ deadline: Date.now() + 10_000 }, (tx) =>
      tx.exec(
        `INSERT INTO job_dead_letters (queue, job_id, data, reason, stalls) VALUES ($1, $2, $3::jsonb, $4, $5)
         ON CONFLICT (queue, job_id) DO UPDATE SET data = EXCLUDED.data, reason = EXCLUDED.reason, stalls = EXCLUDED.stalls, created_at = now()`,
        [queue, jobId, JSON.stringify(data ?? null), reason.slice(0, 2000), stalls],
      ),
    );
  }
}

// beat_probe(tick_key): records every execution (no dedup on purpose) so tests can prove each tick fired once.
import type { JobContext, JobDeps } from './job-context.js';
import type { JobData } from '@mutiroes/contracts';

export async function runBeatProbe(
  deps: JobDeps,
  ctx: JobContext<JobData<'beat_probe'>>,
): Promise<{ tick_key: string }> {
  await deps.db.transaction({ signal: ctx.signal, deadline: ctx.deadline }, (tx) =>
    tx.exec(`INSERT INTO beat_probe_runs (tick_key, scheduled_at, worker, job_id) VALUES ($1, $2, $3, $4)`, [
      ctx.data.tick_key,
      ctx.data.scheduled_at ?? null,
      deps.instanceId,
      ctx.jobId,
    ]),
  );
  return { tick_key: ctx.data.tick_key };
}

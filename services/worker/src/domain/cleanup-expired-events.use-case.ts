// cleanup_expired_events(): past published events become completed; stale drafts are removed.
import type { JobContext, JobDeps } from './job-context.js';
import type { JobData } from '@mutiroes/contracts';

export async function cleanupExpiredEvents(
  deps: JobDeps,
  ctx: JobContext<JobData<'cleanup_expired_events'>>,
): Promise<{ completed: number; removed_drafts: number; completed_ids: number[] }> {
  const r = await deps.events.cleanupExpired({ signal: ctx.signal, deadline: ctx.deadline });
  ctx.log.info('expired events cleaned up', {
    completed: r.completed.length,
    removed_drafts: r.removed_drafts.length,
  });
  return {
    completed: r.completed.length,
    removed_drafts: r.removed_drafts.length,
    completed_ids: r.completed.slice(0, 100),
  };
}

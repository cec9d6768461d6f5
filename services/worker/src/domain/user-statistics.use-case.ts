// update_user_statistics(user_id) and check_and_award_badges(user_id), both from verified check-ins only.
import { earnedBadges, type UserRecord } from './badge-rules.js';
import type { JobContext, JobDeps } from './job-context.js';
import type { JobData } from '@mutiroes/contracts';

export async function updateUserStatistics(
  deps: JobDeps,
  ctx: JobContext<JobData<'update_user_statistics'>>,
): Promise<UserRecord & { current_month_events: number }> {
  return deps.db.transaction({ signal: ctx.signal, deadline: ctx.deadline }, async (tx) => {
    const record = await deps.users.record(tx, ctx.data.user_id);
    await deps.userStats.save(tx, ctx.data.user_id, record);
    return record;
  });
}

export async function checkAndAwardBadges(
  deps: JobDeps,
  ctx: JobContext<JobData<'check_and_award_badges'>>,
): Promise<{ earned: string[]; newly_awarded: string[] }> {
  return deps.db.transaction({ signal: ctx.signal, deadline: ctx.deadline }, async (tx) => {
    const record = await deps.users.record(tx, ctx.data.user_id);
    const earned = earnedBadges(record, await deps.userStats.catalogue(tx));
    const awarded = await deps.userStats.award(tx, ctx.data.user_id, earned);
    await deps.userStats.save(tx, ctx.data.user_id, record);
    if (awarded.length) ctx.log.info('badges awarded', { user_id: ctx.data.user_id, badges: awarded });
    return { earned: earned.map((b) => b.code), newly_awarded: awarded };
  });
}

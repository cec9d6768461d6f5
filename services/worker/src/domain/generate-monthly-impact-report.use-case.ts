// generate_monthly_impact_report(): sums of the previous month's reports (America/Sao_Paulo), stored per month.
import { monthRange, previousMonth, sumMonthlyImpact, type MonthlyImpact } from './impact-calculation.js';
import type { JobContext, JobDeps } from './job-context.js';
import type { JobData } from '@mutiroes/contracts';

export async function generateMonthlyImpactReport(
  deps: JobDeps,
  ctx: JobContext<JobData<'generate_monthly_impact_report'>>,
): Promise<MonthlyImpact & { month: string }> {
  const at = ctx.data.scheduled_at ? new Date(ctx.data.scheduled_at) : new Date();
  const month = ctx.data.month ?? previousMonth(Number.isNaN(at.getTime()) ? new Date() : at);
  const { start, end } = monthRange(month);
  return deps.impact.transaction({ signal: ctx.signal, deadline: ctx.deadline }, async (tx) => {
    const reports = await deps.impact.reportsBetween(tx, start, end);
    const sums = sumMonthlyImpact(reports);
    await deps.impact.saveMonthly(tx, month, start, end, sums);
    ctx.log.info('monthly impact report stored', { month, events: sums.events_count });
    return { month, ...sums };
  });
}

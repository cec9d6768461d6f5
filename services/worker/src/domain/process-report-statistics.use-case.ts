// process_event_report_statistics(report_id): CO₂, waste diverted and area, stored per report.
import { computeReportStatistics, type ReportStatistics } from './impact-calculation.js';
import type { JobContext, JobDeps } from './job-context.js';
import { PermanentJobError } from './job-errors.js';
import type { JobData } from '@mutiroes/contracts';

export async function processReportStatistics(
  deps: JobDeps,
  ctx: JobContext<JobData<'process_event_report_statistics'>>,
): Promise<ReportStatistics & { report_id: number }> {
  return deps.impact.transaction({ signal: ctx.signal, deadline: ctx.deadline }, async (tx) => {
    const report = await deps.impact.report(tx, ctx.data.report_id);
    if (!report) throw new PermanentJobError(`event report ${ctx.data.report_id} does not exist`);
    const stats = computeReportStatistics(report);
    await deps.impact.saveReportStatistics(tx, report, stats);
    return { report_id: report.id, ...stats };
  });
}

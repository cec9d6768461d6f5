// Job name → use case. The runner validates the payload against the catalogue schema before calling these.
import type { JobContext, JobDeps } from '../../domain/job-context.js';
import type { JobName } from '@mutiroes/contracts';
import { sendWelcomeEmail } from '../../domain/send-welcome-email.use-case.js';
import { sendEventNotification } from '../../domain/send-event-notification.use-case.js';
import { sendBulkEventReminders } from '../../domain/send-bulk-event-reminders.use-case.js';
import { processReportStatistics } from '../../domain/process-report-statistics.use-case.js';
import { generateMonthlyImpactReport } from '../../domain/generate-monthly-impact-report.use-case.js';
import { cleanupExpiredEvents } from '../../domain/cleanup-expired-events.use-case.js';
import { checkAndAwardBadges, updateUserStatistics } from '../../domain/user-statistics.use-case.js';
import { runBeatProbe } from '../../domain/beat-probe.use-case.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (deps: JobDeps, ctx: JobContext<any>) => Promise<unknown>;

export const jobHandlers: Record<JobName, Handler> = {
  send_welcome_email: sendWelcomeEmail,
  send_event_notification_email: sendEventNotification,
  send_bulk_event_reminders: sendBulkEventReminders,
  process_event_report_statistics: processReportStatistics,
  generate_monthly_impact_report: generateMonthlyImpactReport,
  cleanup_expired_events: cleanupExpiredEvents,
  update_user_statistics: updateUserStatistics,
  check_and_award_badges: checkAndAwardBadges,
  beat_probe: runBeatProbe,
};

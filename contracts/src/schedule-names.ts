// The beat's schedules by name, and the job each one enqueues (the cron patterns are the beat's own business).
import type { JobName } from './job-catalog.js';

export const scheduleJobs = {
  cleanup_expired_events: 'cleanup_expired_events',
  generate_monthly_impact_report: 'generate_monthly_impact_report',
  /** Fans out one send_bulk_event_reminders per upcoming event rather than one job per tick. */
  event_reminders: 'send_bulk_event_reminders',
} as const satisfies Record<string, JobName>;

export type ScheduleName = keyof typeof scheduleJobs;

/** The job the beat's accelerated test schedule enqueues (its schedule name is configured). */
export const PROBE_JOB = 'beat_probe' satisfies JobName;

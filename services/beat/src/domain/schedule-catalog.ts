// The beat's schedules (America/Sao_Paulo): what fires when, which job it enqueues, how missed ticks catch up.
import { PROBE_JOB, scheduleJobs, type JobName } from '@mutiroes/contracts';
import type { ScheduleSpec } from './tick-planner.js';

const DAY = 86_400_000;

export interface BeatSchedule extends ScheduleSpec {
  /** Queue (= job name) the tick enqueues; 'event_reminders' fans out one job per upcoming event instead. */
  queue: JobName;
  kind: 'job' | 'event_reminders';
}

export interface CatalogueOptions {
  domainSchedules: boolean;
  catchUpDays: number;
  testPattern?: string | undefined;
  testName: string;
  testCatchUpS: number;
  reminderPattern?: string;
}

export function buildSchedules(o: CatalogueOptions): BeatSchedule[] {
  const bound = o.catchUpDays * DAY;
  const list: BeatSchedule[] = [];
  if (o.domainSchedules) {
    list.push(
      {
        name: 'cleanup_expired_events',
        pattern: '0 2 * * *',
        queue: scheduleJobs.cleanup_expired_events,
        kind: 'job',
        catchUp: 'coalesce',
        maxCatchUpMs: bound,
      },
      {
        name: 'generate_monthly_impact_report',
        pattern: '0 3 1 * *',
        queue: scheduleJobs.generate_monthly_impact_report,
        kind: 'job',
        catchUp: 'each',
        maxCatchUpMs: bound,
      },
      // Hourly: events starting within 24 h that were not reminded yet get one send_bulk_event_reminders each.
      {
        name: 'event_reminders',
        pattern: o.reminderPattern ?? '0 * * * *',
        queue: scheduleJobs.event_reminders,
        kind: 'event_reminders',
        catchUp: 'coalesce',
        maxCatchUpMs: bound,
      },
    );
  }
  if (o.testPattern) {
    list.push({
      name: o.testName,
      pattern: o.testPattern,
      queue: PROBE_JOB,
      kind: 'job',
      catchUp: 'each',
      maxCatchUpMs: o.testCatchUpS * 1000,
    });
  }
  return list;
}

/** Hours ahead an event must start within to be reminded. */
export const REMINDER_WINDOW_HOURS = 24;

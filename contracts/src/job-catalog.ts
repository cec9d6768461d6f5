// The background jobs (ex-Celery tasks): queue name = job name, payload schema and per-job policy.
// The one definition producers (api outbox relay, beat) and the consumer (worker) import.
import { z } from 'zod';

export interface JobPolicy {
  /** Retries after the first failed attempt. */
  retries: number;
  /** First backoff delay (ms); doubles each retry. */
  backoffMs: number;
  /** Hard time limit of one attempt (ms): the attempt's AbortSignal fires then. */
  timeoutMs: number;
}

const id = z.coerce.number().int().positive();
/** Every payload may carry the request id of the HTTP request that caused it. */
const base = { request_id: z.string().max(200).optional() };

export const jobSchemas = {
  send_welcome_email: z.object({ ...base, user_id: id }),
  send_event_notification_email: z.object({
    ...base,
    event_id: id,
    kind: z.string().min(1).max(60),
    /** Recipient of a personal notification (registration, approval...); absent = all confirmed participants. */
    user_id: id.optional(),
  }),
  send_bulk_event_reminders: z.object({ ...base, event_id: id }),
  process_event_report_statistics: z.object({ ...base, report_id: id }),
  /** month 'YYYY-MM'; absent = the month before the scheduled time (or now) in America/Sao_Paulo. */
  generate_monthly_impact_report: z.object({
    ...base,
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
      .optional(),
    scheduled_at: z.string().optional(),
  }),
  cleanup_expired_events: z.object({ ...base, scheduled_at: z.string().optional() }),
  update_user_statistics: z.object({ ...base, user_id: id }),
  check_and_award_badges: z.object({ ...base, user_id: id }),
  /** Beat's accelerated test schedule: records each execution so tests can count fires. */
  beat_probe: z.object({
    ...base,
    tick_key: z.string().min(1).max(300),
    scheduled_at: z.string().optional(),
  }),
} as const;

export type JobName = keyof typeof jobSchemas;
/** A payload as the worker's handler receives it (parsed). */
export type JobData<N extends JobName> = z.infer<(typeof jobSchemas)[N]>;
/** A payload as a producer writes it: ids are numbers; a wrong or missing field does not compile. */
export type JobPayload<N extends JobName> = z.output<(typeof jobSchemas)[N]>;
export const JOB_NAMES = Object.keys(jobSchemas) as JobName[];

const mail: JobPolicy = { retries: 5, backoffMs: 2000, timeoutMs: 30_000 };
export const jobPolicies: Record<JobName, JobPolicy> = {
  send_welcome_email: mail,
  send_event_notification_email: { ...mail, timeoutMs: 120_000 },
  send_bulk_event_reminders: { ...mail, timeoutMs: 300_000 },
  process_event_report_statistics: { retries: 5, backoffMs: 1000, timeoutMs: 20_000 },
  generate_monthly_impact_report: { retries: 5, backoffMs: 5000, timeoutMs: 120_000 },
  cleanup_expired_events: { retries: 5, backoffMs: 5000, timeoutMs: 120_000 },
  update_user_statistics: { retries: 5, backoffMs: 1000, timeoutMs: 20_000 },
  check_and_award_badges: { retries: 5, backoffMs: 1000, timeoutMs: 20_000 },
  beat_probe: { retries: 3, backoffMs: 500, timeoutMs: 10_000 },
};

export function isJobName(name: string): name is JobName {
  return Object.prototype.hasOwnProperty.call(jobSchemas, name);
}

/** The part of a bee-queue Job a producer sets the policy on (structural: no bee-queue dependency here). */
export interface PolicyTarget<J> {
  retries(n: number): J;
  backoff(strategy: 'exponential', delayMs: number): J;
}

/**
 * Sets the job's retry policy at enqueue time (bee-queue keeps it with the job): the only place retries
 * and backoff are decided. The worker enforces `timeoutMs` and never rewrites these options.
 */
export function withJobPolicy<J extends PolicyTarget<J>>(job: J, name: JobName): J {
  const p = jobPolicies[name];
  return job.retries(p.retries).backoff('exponential', p.backoffMs);
}

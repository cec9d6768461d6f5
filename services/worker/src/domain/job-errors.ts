// Job failures with a stable code; permanent ones are not retried.
import { AppError } from '@mutiroes/platform';

/** The job can never succeed (bad payload, missing row): fail it now, do not retry. */
export class PermanentJobError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('JOB_PERMANENT', message, details, 'warn');
  }
}

/** The attempt hit its time limit; its work was aborted through the AbortSignal. */
export class JobTimeoutError extends AppError {
  constructor(queue: string, jobId: string, timeoutMs: number) {
    super(
      'JOB_TIMEOUT',
      `job ${queue}#${jobId} timed out after ${timeoutMs} ms`,
      { queue, job_id: jobId, timeout_ms: timeoutMs },
      'error',
    );
  }
}

/** Another attempt holds the delivery lease of this e-mail right now: retry later. */
export class DeliveryBusyError extends AppError {
  constructor(key: string) {
    super('DELIVERY_BUSY', `e-mail ${key} is being sent by another attempt`, { key });
  }
}

/** The job stalled too often (its worker died each time): moved to the dead-letter list. */
export class DeadLetteredError extends AppError {
  constructor(queue: string, jobId: string, stalls: number) {
    super(
      'JOB_DEAD_LETTERED',
      `job ${queue}#${jobId} stalled ${stalls} times: dead-lettered`,
      { queue, job_id: jobId, stalls },
      'error',
    );
  }
}
